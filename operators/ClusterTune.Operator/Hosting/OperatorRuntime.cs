using System.Collections.Concurrent;
using System.Security.Cryptography;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Grains;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Prometheus;
using k8s;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Hosting;

/// <summary>
/// What one silo shares with the job grains it hosts: the Kubernetes client, the informer caches (every silo runs its
/// own), the one place that writes to the API, the reconcilers and the metric registry. Grains wait on
/// <see cref="Ready"/> before they reconcile, so a silo that just joined never acts on an empty cache.
/// </summary>
public sealed class OperatorRuntime : IDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly MeterBridge _meters;
    private int _disposed;
    private OperatorOptions _options;

    /// <summary>Creates the client (every request counted in clustertune_operator_api_requests_total) and the caches; nothing runs yet.</summary>
    public OperatorRuntime(KubernetesClientConfiguration config, OperatorOptions options, ILoggerFactory loggers, TimeProvider time, IReadOnlyList<DelegatingHandler> extraHandlers)
    {
        _options = options;
        Loggers = loggers;
        Time = time;
        Registry = new MetricRegistry();
        Metrics = new ClusterTuneMetrics(Registry);
        config.UserAgent = "clustertune-operator";
        Client = KubeConnection.Create(config, time: time, extraHandlers: [new ApiRequestMetrics(Metrics), .. extraHandlers]);
        Caches = new OperatorCaches(Client, options.WatchNamespace, time, loggers);
        Recorder = new EventRecorder(Client, "clustertune-operator", options.Identity, time, loggers.CreateLogger("clustertune.events"));
        Api = new ApiActions(Client, Recorder, Caches);
        Jobs = new FineTuneJobReconciler(Caches, Api, new CheckpointManager(options.CheckpointRoot, time), () => Options, time, Metrics);
        Trials = new TrialReconciler(Caches, Api, () => Options, time, NewToken);
        Registry.AddCollectCallback(new InformerMetrics(Metrics, Caches).Collect);
        _meters = new MeterBridge(Registry);
        Registry.AddCollectCallback(() =>
        {
            Metrics.JobGrains.WithLabels(Options.Identity).Set(Grains.Count);
            Metrics.QueueDepth.WithLabels("finetunejob").Set(Grains.Values.Sum(g => g.QueueDepth));
        });
    }

    /// <summary>The options in force (the OTLP endpoint is filled in when the HTTP endpoint starts and none was given).</summary>
    public OperatorOptions Options
    {
        get => Volatile.Read(ref _options);
        set => Volatile.Write(ref _options, value);
    }

    public ILoggerFactory Loggers { get; }
    public TimeProvider Time { get; }
    public MetricRegistry Registry { get; }
    public ClusterTuneMetrics Metrics { get; }
    public IKubernetes Client { get; }
    public OperatorCaches Caches { get; }
    public EventRecorder Recorder { get; }
    public ApiActions Api { get; }
    public FineTuneJobReconciler Jobs { get; }
    public TrialReconciler Trials { get; }

    /// <summary>The job grains active on this silo, by job key.</summary>
    public ConcurrentDictionary<string, FineTuneJobGrain> Grains { get; } = new(StringComparer.Ordinal);

    /// <summary>Completes once the caches have synced (set by <see cref="SiloController"/>).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Whether the caches have synced.</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    internal void MarkReady() => _ready.TrySetResult();

    /// <summary>Cancelled when the silo stops (gracefully or not): the grains' work stops with it, never outliving its silo.</summary>
    public CancellationToken Stopping => _stopping.Token;

    internal void Stop()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _stopping.Cancel();
        }
    }

    /// <summary>The objective metric of a trial's job (for the observation accumulators), from this silo's cache.</summary>
    public string? ObjectiveOf(TrialKey key)
    {
        var job = Caches.Jobs.Get(key.Namespace, key.Job);
        return job is null ? null : FineTuneJobDefaults.Apply(job.Spec).Objective?.Metric;
    }

    // 128 bits from the OS CSPRNG: tokens are secrets, not simulation randomness.
    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _stopping.Dispose();
        _meters.Dispose();
        Caches.Dispose();
        Client.Dispose();
    }
}
