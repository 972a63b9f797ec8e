using k8s;
using k8s.Models;
using System.Security.Cryptography;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Controllers;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.LeaderElection;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Ingestion;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator;

/// <summary>
/// The operator process: an HTTP endpoint (OTLP in, Prometheus out, health) that is always up, and the controllers
/// (informers, work queues, reconcilers, observation flusher) that run only while this replica holds the Lease.
/// </summary>
public sealed partial class OperatorHost : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ObservationAccumulator _accumulator;
    private volatile OperatorCaches? _caches;
    private volatile bool _leading;
    private WebApplication? _web;
    private long _writesOfEndedTerms;
    private ApiActions? _api;

    /// <summary>
    /// Creates the host and its Kubernetes client (every request counted in clustertune_operator_api_requests_total);
    /// nothing runs until <see cref="StartWebAsync"/> and <see cref="RunAsync"/>.
    /// </summary>
    /// <param name="extraHandlers">Handlers between the retry handler and the network, e.g. fault injection in tests.</param>
    public OperatorHost(KubernetesClientConfiguration config, OperatorOptions options, ILoggerFactory loggers, TimeProvider? time = null,
        params DelegatingHandler[] extraHandlers)
    {
        Options = options;
        _loggers = loggers;
        _logger = loggers.CreateLogger("clustertune.operator");
        _time = time ?? TimeProvider.System;
        Registry = new MetricRegistry();
        Metrics = new ClusterTuneMetrics(Registry);
        config.UserAgent = "clustertune-operator";
        _client = KubeConnection.Create(config, time: _time, extraHandlers: [new ApiRequestMetrics(Metrics), .. extraHandlers]);
        _accumulator = new ObservationAccumulator(ObjectiveOf, _time);
        Registry.AddCollectCallback(new InformerMetrics(Metrics, () => _caches).Collect);
        Receiver = new OtlpMetricsReceiver(new LeaderCachesValidator(this), new AccumulatingTrialMetricsSink(_accumulator, () => _leading),
            new OtlpReceiverOptions(), observer: Metrics, logger: loggers.CreateLogger<OtlpMetricsReceiver>());
    }

    /// <summary>The options in force (the OTLP endpoint is filled in by <see cref="StartWebAsync"/> when it was left empty).</summary>
    public OperatorOptions Options { get; private set; }

    /// <summary>The Prometheus registry behind /metrics.</summary>
    public MetricRegistry Registry { get; }

    /// <summary>The metric catalog's families.</summary>
    public ClusterTuneMetrics Metrics { get; }

    /// <summary>The OTLP/HTTP receiver behind POST /v1/metrics.</summary>
    public OtlpMetricsReceiver Receiver { get; }

    /// <summary>Whether this replica currently runs the controllers.</summary>
    public bool IsLeader => _leading;

    /// <summary>API writes made by the controllers so far (for the writes-per-trial measurement).</summary>
    public long Writes => Interlocked.Read(ref _writesOfEndedTerms) + (_api?.Writes ?? 0);

    /// <summary>Where the HTTP endpoint listens, once started.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Starts the HTTP endpoint on <paramref name="url"/> (port 0 = any free port): /v1/metrics, /metrics, /healthz, /readyz.</summary>
    public async Task<Uri> StartWebAsync(string url, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.Services.AddSingleton(_loggers);
        var app = builder.Build();
        app.MapOtlpMetrics(Receiver);
        app.MapPrometheusMetrics(Registry).RequireBearerTokenFile(Options.MetricsTokenFile);
        app.MapGet("/healthz", () => Results.Text("ok"));
        // Ready = leading, so the Service sends OTLP exports only to the replica that can take them.
        app.MapGet("/readyz", () => _leading ? Results.Text("leader") : Results.Text("standby", statusCode: 503));
        await app.StartAsync(ct);
        _web = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        if (string.IsNullOrEmpty(Options.OtlpEndpoint)) Options = Options with { OtlpEndpoint = Address.ToString().TrimEnd('/') };
        return Address;
    }

    /// <summary>
    /// Runs until cancelled: with a lease namespace, campaigns for the Lease and runs the controllers only while
    /// leading (a lost lease stops them before a successor can act, then campaigns again); without, runs them at once.
    /// </summary>
    public async Task RunAsync(CancellationToken ct)
    {
        if (Options.LeaseNamespace is not { } leaseNamespace)
        {
            await RunControllersAsync(ct);
            return;
        }

        var elector = new LeaderElector(_client, new LeaderElectionOptions
        {
            LeaseName = Options.LeaseName,
            LeaseNamespace = leaseNamespace,
            Identity = Options.Identity,
            TimeProvider = _time,
        }, _loggers.CreateLogger("clustertune.leader"));
        while (!ct.IsCancellationRequested)
        {
            var outcome = await elector.RunUntilLeadershipLostAsync(RunControllersAsync, ct);
            LogLeadership(_logger, Options.Identity, outcome.ToString());
            if (outcome == LeadershipOutcome.Cancelled) return;
        }
    }

    private async Task RunControllersAsync(CancellationToken leading)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(leading);
        var ct = stop.Token;
        var caches = new OperatorCaches(_client, Options.WatchNamespace, _time, _loggers);
        var recorder = new EventRecorder(_client, "clustertune-operator", Options.Identity, _time, _loggers.CreateLogger("clustertune.events"));
        var api = new ApiActions(_client, recorder);
        // An object that does not fit the API types is skipped, not retried forever: tell its owner once per version.
        void Undecodable(UndecodableObject o) => _ = recorder.RecordAsync(o.Reference, EventTypes.Warning, EventReasons.ObjectUndecodable,
            $"ClusterTune cannot read this {o.Reference.Kind} and ignores it until it is fixed: {o.Error}", CancellationToken.None);
        caches.Jobs.OnUndecodable = Undecodable;
        caches.Trials.OnUndecodable = Undecodable;
        caches.Pods.OnUndecodable = Undecodable;
        using var jobQueue = new WorkQueue<string>(timeProvider: _time);
        using var trialQueue = new WorkQueue<string>(timeProvider: _time);
        caches.Jobs.EnqueueTo(jobQueue);
        caches.Trials.EnqueueTo(trialQueue);
        caches.Trials.EnqueueTo(jobQueue, t => ObjectKey.Of(t.Metadata.NamespaceProperty, t.Spec.JobName));
        caches.Pods.EnqueueTo(trialQueue, p => p.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == Trial.KindName) is { } o
            ? ObjectKey.Of(p.Metadata.NamespaceProperty, o.Name) : null);
        var informers = caches.RunAsync(ct);
        try
        {
            await caches.WaitForSyncAsync(ct);
            _caches = caches;
            _api = api;
            var jobs = new FineTuneJobReconciler(caches, api, new CheckpointManager(Options.CheckpointRoot, _time), Options, _time, Metrics);
            var trials = new TrialReconciler(caches, api, Options, _time, NewToken);
            var controllerMetrics = new ControllerMetrics(Metrics);
            var flusher = new ObservationFlusher(_accumulator, caches, api, _time, trialQueue.Add, _loggers.CreateLogger("clustertune.observations"), Metrics);
            _leading = true;
            Metrics.Leader.WithLabels(Options.Identity).Set(1);
            Metrics.LeaderTransitions.WithLabels().Inc();
            LogLeading(_logger, Options.Identity);
            await Task.WhenAll(
                new ControllerLoop("finetunejob", jobQueue, jobs.ReconcileAsync, _loggers.CreateLogger("clustertune.finetunejob"), controllerMetrics).RunAsync(Options.Workers, ct),
                new ControllerLoop("trial", trialQueue, trials.ReconcileAsync, _loggers.CreateLogger("clustertune.trial"), controllerMetrics).RunAsync(Options.Workers, ct),
                flusher.RunAsync(Options.ObservationFlushInterval, ct).ContinueWith(_ => { }, TaskScheduler.Default));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            _leading = false;
            _caches = null;
            Interlocked.Add(ref _writesOfEndedTerms, api.Writes);
            _api = null;
            Metrics.Leader.WithLabels(Options.Identity).Set(0);
            await stop.CancelAsync();
            jobQueue.ShutDown();
            trialQueue.ShutDown();
            try
            {
                await informers;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private string? ObjectiveOf(TrialKey key)
    {
        var job = _caches?.Jobs.Get(key.Namespace, key.Job);
        return job is null ? null : FineTuneJobDefaults.Apply(job.Spec).Objective?.Metric;
    }

    // 128 bits from the OS CSPRNG: tokens are secrets, not simulation randomness.
    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.StopAsync();
            await _web.DisposeAsync();
        }
        _client.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads: controllers started")]
    private static partial void LogLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity}: leadership ended ({Outcome})")]
    private static partial void LogLeadership(ILogger logger, string identity, string outcome);

    // Validates against the current leader's caches. Without them (not leading) it lets the points through to the
    // sink, which refuses everything with 503 + Retry-After while not leading, so nothing unvalidated is stored.
    // (_leading is set after _caches and cleared before it.)
    private sealed class LeaderCachesValidator(OperatorHost host) : ITrialTokenValidator
    {
        public ValueTask<TrialAuthorization> AuthorizeAsync(TrialKey trial, string? podName, string? token, CancellationToken cancellationToken) =>
            host._caches is { } caches
                ? new PodTokenValidator(caches).AuthorizeAsync(trial, podName, token, cancellationToken)
                : ValueTask.FromResult(TrialAuthorization.Accepted);
    }
}
