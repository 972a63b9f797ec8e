using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Kubernetes.Recording;

/// <summary>
/// Writes core/v1 Events about an object (what `kubectl describe` lists). Best effort, like client-go's recorder:
/// a failed write is logged and reported as false, never thrown, so it cannot fail a reconcile.
/// </summary>
public sealed partial class EventRecorder
{
    private const int MaxMessageLength = 1024;
    private readonly IKubernetes _client;
    private readonly string _component;
    private readonly string? _instance;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private long _lastNanos;

    public EventRecorder(IKubernetes client, string component, string? instance = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        if (string.IsNullOrWhiteSpace(component))
        {
            throw new ArgumentException("An event recorder needs a component name, e.g. \"clustertune-operator\".", nameof(component));
        }

        _client = client;
        _component = component;
        _instance = instance;
        _time = timeProvider ?? TimeProvider.System;
        _log = logger ?? NullLogger.Instance;
    }

    /// <summary>Records a "Normal" or "Warning" event with a CamelCase reason; returns false if the write failed.</summary>
    public Task<bool> RecordAsync(IKubernetesObject<V1ObjectMeta> involved, string type, string reason, string message, CancellationToken cancellationToken = default) =>
        RecordAsync(new V1ObjectReference
        {
            ApiVersion = involved.ApiVersion,
            Kind = involved.Kind,
            Name = involved.Metadata.Name,
            NamespaceProperty = involved.Metadata.NamespaceProperty,
            Uid = involved.Metadata.Uid,
            ResourceVersion = involved.Metadata.ResourceVersion,
        }, type, reason, message, cancellationToken);

    /// <summary>Records an event about an object known only by reference (e.g. one that cannot be decoded).</summary>
    public async Task<bool> RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken = default)
    {
        if (type is not ("Normal" or "Warning"))
        {
            throw new ArgumentException($"Event type must be \"Normal\" or \"Warning\", got \"{type}\".", nameof(type));
        }

        var now = _time.GetUtcNow();
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = EventName(involved.Name ?? "unnamed", now), NamespaceProperty = involved.NamespaceProperty ?? "default" },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message.Length <= MaxMessageLength ? message : message[..(MaxMessageLength - 1)] + "…",
            Source = new V1EventSource { Component = _component, Host = _instance },
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
            ReportingComponent = _component,
            ReportingInstance = _instance,
        };
        try
        {
            await _client.CreateAsync(ev, cancellationToken).ConfigureAwait(false);
            // Events are the controller's decisions in a sentence each: they make its log worth reading.
            // Information even for Warning events: they are about the object (a pod waiting for CPU), not this process.
            LogRecorded(_log, involved.Kind, involved.NamespaceProperty, involved.Name, type, reason, ev.Message);
            return true;
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or TimeoutException)
        {
            LogDropped(_log, reason, involved.Name, e.Describe());
            return false;
        }
    }

    // client-go names events "<object>.<unix nanos in hex>"; strictly increasing so two events never collide,
    // which also makes the create idempotent under retries.
    private string EventName(string objectName, DateTimeOffset now)
    {
        var nanos = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        long prev, next;
        do
        {
            prev = Interlocked.Read(ref _lastNanos);
            next = Math.Max(nanos, prev + 1);
        }
        while (Interlocked.CompareExchange(ref _lastNanos, next, prev) != prev);
        return objectName + "." + next.ToString("x", CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name}: {Type} {Reason}: {Message}")]
    private static partial void LogRecorded(ILogger logger, string? kind, string? @namespace, string? name, string type, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped event {Reason} about {Name}: {Error}")]
    private static partial void LogDropped(ILogger logger, string reason, string? name, string error);
}
