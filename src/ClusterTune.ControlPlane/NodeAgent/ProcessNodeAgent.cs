using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Recording;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>
/// A one-node kubelet and scheduler: registers a Node, binds pending pods that fit it, runs each pod's first
/// container as a local process and reports its status, log and termination message through the Kubernetes API.
/// </summary>
public sealed partial class ProcessNodeAgent : IAsyncDisposable
{
    private const string Component = "clustertune-node-agent";

    // A pod removed without a graceful delete (force delete, or gone while we were away) still gets a short SIGTERM.
    private static readonly TimeSpan ForcedDeleteGrace = TimeSpan.FromSeconds(2);

    // How long a pod we bound counts against the node before the watch shows it bound (the scheduler's assume cache).
    private static readonly TimeSpan AssumeTimeout = TimeSpan.FromSeconds(30);

    private readonly IKubernetes _client;
    private readonly NodeAgentOptions _options;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly ProcessLogProvider _logs;
    private readonly EventRecorder _events;
    private readonly IReadOnlyDictionary<string, string> _agentEnvironment;
    private readonly Dictionary<string, decimal> _allocatable;
    private readonly ConcurrentDictionary<string, PodRun> _runs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _scheduleGate = new(1, 1);
    private readonly Dictionary<string, (string Uid, Dictionary<string, decimal> Requests, DateTimeOffset At)> _assumed = new(StringComparer.Ordinal);
    private readonly bool[] _gpuInUse;
    private readonly CancellationTokenSource _disposed = new();
    private readonly object _lifecycle = new();
    private bool _isDisposed;
    private NodeView _node;
    private Informer<V1Pod>? _bound;
    private Informer<V1Pod>? _unbound;
    private WorkQueue<string>? _queue;
    private Task? _running;

    /// <summary>Creates an agent; nothing talks to the API until <see cref="RunAsync"/>.</summary>
    public ProcessNodeAgent(IKubernetes client, NodeAgentOptions options, ILogger<ProcessNodeAgent>? logger = null, TimeProvider? time = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (string.IsNullOrWhiteSpace(options.NodeName))
        {
            throw new ArgumentException("NodeAgentOptions.NodeName must be set", nameof(options));
        }

        _log = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _logs = new ProcessLogProvider(_time);
        _events = new EventRecorder(client, Component, options.NodeName, _time, _log);
        _agentEnvironment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        _allocatable = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            [ResourceNames.Cpu] = Quantity(ResourceNames.Cpu, options.Cpu),
            [ResourceNames.Memory] = Quantity(ResourceNames.Memory, options.Memory),
            [ResourceNames.Gpu] = Math.Max(0, options.Gpus),
        };
        _gpuInUse = new bool[Math.Max(0, options.Gpus)];
        _node = new NodeView(Labels(), options.Taints, false, _allocatable, options.MaxPods);
    }

    /// <summary>Serves <c>kubectl logs</c> from the agent's containers: set it as <c>EmbeddedApiServer.PodLogProvider</c>.</summary>
    public IPodLogProvider LogProvider => _logs;

    /// <summary>
    /// Registers the Node, then schedules and runs pods until <paramref name="cancellationToken"/> fires; then stops
    /// its processes (SIGTERM, SIGKILL after the grace period) and reports them as terminated. API errors are retried.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_isDisposed, this);
            if (_running is not null)
            {
                throw new InvalidOperationException("A ProcessNodeAgent runs once; create a new one to run again.");
            }

            _running = RunCoreAsync(cancellationToken);
            return _running;
        }
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var ct = stop.Token;
        var tasks = new List<Task>();
        using var queue = new WorkQueue<string>(
            new ItemExponentialRateLimiter<string>(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30)), _time);
        _queue = queue;
        try
        {
            if (!await RegisterUntilDoneAsync(ct).ConfigureAwait(false))
            {
                return;
            }

            _bound = new Informer<V1Pod>(_client, new InformerOptions { FieldSelector = $"spec.nodeName={_options.NodeName}", TimeProvider = _time }, _log);
            _unbound = new Informer<V1Pod>(_client, new InformerOptions { FieldSelector = "spec.nodeName=", TimeProvider = _time }, _log);
            _unbound.EnqueueTo(queue);
            _bound.AddHandler(new InformerHandler<V1Pod>(
                OnAdd: p => queue.Add(ObjectKey.Of(p)),
                OnUpdate: (old, p) =>
                {
                    queue.Add(ObjectKey.Of(p));
                    if (!PodPhases.IsTerminal(old.Status?.Phase) && PodPhases.IsTerminal(p.Status?.Phase))
                    {
                        EnqueuePending();
                    }
                },
                OnDelete: p =>
                {
                    queue.Add(ObjectKey.Of(p));
                    EnqueuePending();
                }));
            tasks.Add(_bound.RunAsync(ct));
            tasks.Add(_unbound.RunAsync(ct));
            await Task.WhenAll(_bound.WaitForSyncAsync(ct), _unbound.WaitForSyncAsync(ct)).ConfigureAwait(false);
            LogStarted(_log, _options.NodeName, _options.Cpu, _options.Memory, _options.Gpus);

            for (var i = 0; i < Math.Max(1, _options.Workers); i++)
            {
                tasks.Add(WorkAsync(queue, ct));
            }

            tasks.Add(HeartbeatAsync(ct));
            tasks.Add(ResyncAsync(queue, ct));
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Normal shutdown.
        }
        finally
        {
            queue.ShutDown();
            _queue = null;
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            await StopProcessesAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Cancels <see cref="RunAsync"/> if it is running and waits for its processes to be stopped.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? running;
        lock (_lifecycle)
        {
            if (_isDisposed)
            {
                return;
            }

            _isDisposed = true;
            running = _running;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        if (running is not null)
        {
            await running.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        foreach (var run in _runs.Values)
        {
            run.Dispose();
        }

        _scheduleGate.Dispose();
        _disposed.Dispose();
    }

    // ------------------------------------------------------------------ API writes

    /// <summary>Merge-patches pod status, carrying the uid so a real API server refuses it for a recreated pod of the same name.</summary>
    private async Task PatchPodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken ct)
    {
        var patch = MergePatch.ForStatus(status);
        patch["metadata"] = new JsonObject { ["uid"] = pod.Metadata.Uid };
        try
        {
            await _client.PatchStatusAsync<V1Pod>(pod.Metadata.Name!, patch, pod.Metadata.NamespaceProperty, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.IsNotFound() || e.IsConflict())
        {
            // Gone, or replaced by a new pod with this name: that pod gets its own reconcile.
        }
    }

    /// <summary>The kubelet's last word on a deleted pod: DELETE with gracePeriodSeconds=0, only for this incarnation.</summary>
    private async Task FinalizeDeleteAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            await _client.DeleteAsync<V1Pod>(pod.Metadata.Name!, pod.Metadata.NamespaceProperty, new V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid },
            }, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.IsNotFound() || e.IsConflict())
        {
            // Already gone, or the name now belongs to another pod.
        }
    }

    private void Record(V1Pod pod, string type, string reason, string message) =>
        _ = _events.RecordAsync(pod, type, reason, message, _disposed.Token).ContinueWith(_ => { }, TaskScheduler.Default);

    private static bool IsTransient(Exception e) =>
        e is HttpOperationException or HttpRequestException or TimeoutException or IOException or TaskCanceledException;

    // ------------------------------------------------------------------ shutdown

    /// <summary>SIGTERM every live process (grace capped by ShutdownGracePeriod), then report them as terminated, best effort.</summary>
    private async Task StopProcessesAsync()
    {
        var live = _runs.Values.Where(r => r.Result is null).ToList();
        if (live.Count == 0)
        {
            return;
        }

        foreach (var run in live)
        {
            run.StoppedForShutdown = true;
            run.RequestStop(run.GracePeriod < _options.ShutdownGracePeriod ? run.GracePeriod : _options.ShutdownGracePeriod);
        }

        try
        {
            await Task.WhenAll(live.Select(r => r.Exited)).WaitAsync(_options.ShutdownGracePeriod + TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process that survives SIGKILL (uninterruptible sleep) is not worth hanging the shutdown for.
        }

        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
        await Task.WhenAll(live.Where(r => r.Result is not null).Select(async run =>
        {
            var (ns, name) = ObjectKey.Split(run.Key);
            var pod = _bound?.Get(run.Key) ?? new V1Pod { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = run.Uid }, Spec = new V1PodSpec() };
            try
            {
                await PatchPodStatusAsync(pod, PodStatuses.Finished(pod, run, run.Result!, _options.HostIP, _time.GetUtcNow()), budget.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) || e is OperationCanceledException)
            {
                LogShutdownStatusFailed(_log, run.Key, e.Message);
            }
        })).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ logs

    [LoggerMessage(Level = LogLevel.Information, Message = "Node agent {Node} running (cpu {Cpu}, memory {Memory}, gpus {Gpus})")]
    private static partial void LogStarted(ILogger logger, string node, string cpu, string memory, int gpus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering node {Node} failed, retrying in {DelaySeconds:0.0} s: {Error}")]
    private static partial void LogRegisterFailed(ILogger logger, string node, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} status heartbeat failed: {Error}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string node, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling pod {Key} failed, retrying: {Error}")]
    private static partial void LogReconcileFailed(ILogger logger, string key, string error, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bound pod {Key} to node {Node}")]
    private static partial void LogBound(ILogger logger, string key, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Key} is unschedulable: {Why}")]
    private static partial void LogUnschedulable(ILogger logger, string key, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started pod {Key} as process {Pid}: {Command}")]
    private static partial void LogStartedPod(ILogger logger, string key, int pid, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Key} cannot start: {Reason}: {Message}")]
    private static partial void LogCannotStart(ILogger logger, string key, string reason, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Key} process {Pid} exited with code {ExitCode} ({Reason})")]
    private static partial void LogExited(ILogger logger, string key, int pid, int exitCode, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping pod {Key}: SIGTERM, SIGKILL after {GraceSeconds} s")]
    private static partial void LogKilling(ILogger logger, string key, double graceSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Key} was started by an earlier agent and its process is unknown: marking it Failed")]
    private static partial void LogLost(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report pod {Key} as terminated at shutdown: {Error}")]
    private static partial void LogShutdownStatusFailed(ILogger logger, string key, string error);
}
