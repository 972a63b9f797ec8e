using k8s.Autorest;
using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using k8s;
using k8s.Models;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Kubernetes.Retry;
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

    // ------------------------------------------------------------------ node

    private Dictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kubernetes.io/hostname"] = _options.NodeName,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = RuntimeInformation.OSArchitecture switch
            {
                Architecture.X64 => "amd64",
                Architecture.Arm64 => "arm64",
                var other => other.ToString().ToLowerInvariant(),
            },
        };
        foreach (var (k, v) in _options.Labels)
        {
            labels[k] = v;
        }

        return labels;
    }

    private static decimal Quantity(string resource, string text)
    {
        try
        {
            return new ResourceQuantity(text).ToDecimal();
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid quantity \"{text}\" for {resource}: {e.Message}", e);
        }
    }

    private Dictionary<string, ResourceQuantity> Resources()
    {
        var list = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            [ResourceNames.Cpu] = _options.Cpu,
            [ResourceNames.Memory] = _options.Memory,
            [ResourceNames.Pods] = _options.MaxPods.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (_options.Gpus > 0)
        {
            list[ResourceNames.Gpu] = _options.Gpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return list;
    }

    private async Task<bool> RegisterUntilDoneAsync(CancellationToken ct)
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), Random.Shared);
        while (true)
        {
            try
            {
                await RegisterAsync(ct).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                var delay = backoff.Next();
                LogRegisterFailed(_log, _options.NodeName, delay.TotalSeconds, e.Message);
                try
                {
                    await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }
    }

    /// <summary>Creates the Node (AlreadyExists is fine: our labels are merged in), then posts its status.</summary>
    private async Task RegisterAsync(CancellationToken ct)
    {
        var labels = Labels();
        var node = new V1Node
        {
            Metadata = new V1ObjectMeta { Name = _options.NodeName, Labels = labels },
            Spec = _options.Taints.Count > 0 ? new V1NodeSpec { Taints = [.. _options.Taints] } : null,
        };
        try
        {
            await _client.CreateAsync(node, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.IsAlreadyExists())
        {
            // Taints are only ours to set when configured: an admin's `kubectl taint` must survive a restart.
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = JsonNode.Parse(KubernetesJson.Serialize(labels)) } };
            if (_options.Taints.Count > 0)
            {
                patch["spec"] = new JsonObject { ["taints"] = JsonNode.Parse(KubernetesJson.Serialize(_options.Taints)) };
            }

            await _client.MergePatchAsync<V1Node>(_options.NodeName, patch, null, ct).ConfigureAwait(false);
        }

        await PostNodeStatusAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Ready=True with a fresh heartbeat, capacity and allocatable; refreshes what scheduling knows of the node.</summary>
    private async Task PostNodeStatusAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var current = await _client.GetAsync<V1Node>(_options.NodeName, null, ct).ConfigureAwait(false);
        var ready = current.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var resources = Resources();
        var status = new V1NodeStatus
        {
            Capacity = resources,
            Allocatable = resources,
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = _options.HostIP }, new V1NodeAddress { Type = "Hostname", Address = _options.NodeName }],
            Conditions =
            [
                new V1NodeCondition
                {
                    Type = "Ready",
                    Status = "True",
                    Reason = "KubeletReady",
                    Message = "clustertune process node agent is posting ready status",
                    LastHeartbeatTime = now.UtcDateTime,
                    LastTransitionTime = ready?.Status == "True" ? ready.LastTransitionTime ?? now.UtcDateTime : now.UtcDateTime,
                },
            ],
        };
        var updated = await _client.PatchStatusAsync<V1Node>(_options.NodeName, MergePatch.ForStatus(status), null, ct).ConfigureAwait(false);
        var view = new NodeView(
            updated.Metadata.Labels?.ToDictionary() ?? Labels(),
            updated.Spec?.Taints?.ToList() ?? [],
            updated.Spec?.Unschedulable == true,
            _allocatable,
            _options.MaxPods);
        var old = Interlocked.Exchange(ref _node, view);
        if (old.Unschedulable != view.Unschedulable || !old.Labels.OrderBy(kv => kv.Key).SequenceEqual(view.Labels.OrderBy(kv => kv.Key)) ||
            !old.Taints.Select(Describe).SequenceEqual(view.Taints.Select(Describe)))
        {
            EnqueuePending();
        }

        static string Describe(V1Taint t) => $"{t.Key}={t.Value}:{t.Effect}";
    }

    private async Task HeartbeatAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_options.StatusHeartbeat, _time, ct).ConfigureAwait(false);
            try
            {
                await PostNodeStatusAsync(ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.IsNotFound())
            {
                // Someone deleted the Node: register it again, as a kubelet does.
                await RegisterUntilDoneAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && !ct.IsCancellationRequested)
            {
                LogHeartbeatFailed(_log, _options.NodeName, e.Message);
            }
        }
    }

    private async Task ResyncAsync(WorkQueue<string> queue, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_options.ResyncInterval, _time, ct).ConfigureAwait(false);
            foreach (var key in _bound!.List().Concat(_unbound!.List()).Select(ObjectKey.Of).Concat(_runs.Keys))
            {
                queue.Add(key);
            }
        }
    }

    private void EnqueuePending()
    {
        if (_unbound is null || _queue is null)
        {
            return;
        }

        foreach (var pod in _unbound.List())
        {
            _queue.Add(ObjectKey.Of(pod));
        }
    }

    // ------------------------------------------------------------------ reconcile

    private async Task WorkAsync(WorkQueue<string> queue, CancellationToken ct)
    {
        while (true)
        {
            var (key, shutdown) = await queue.GetAsync(ct).ConfigureAwait(false);
            if (shutdown)
            {
                return;
            }

            try
            {
                await ReconcileAsync(key, ct).ConfigureAwait(false);
                queue.Forget(key);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The worker boundary: whatever went wrong, retry the key later instead of losing it or hot looping.
                LogReconcileFailed(_log, key, e.Message, e);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }

    private async Task ReconcileAsync(string key, CancellationToken ct)
    {
        var bound = _bound!.Get(key);
        var pod = bound ?? _unbound!.Get(key);
        if (_runs.TryGetValue(key, out var run) && (bound is null || bound.Metadata.Uid != run.Uid))
        {
            // The run's pod is gone (force-deleted, or replaced by a new pod of the same name).
            if (run.Result is null)
            {
                run.RequestStop(ForcedDeleteGrace);
                return;
            }

            Cleanup(run);
            run = null;
        }

        // Absent from both caches can also mean "just bound, not yet seen bound": the assumption stays until it expires.
        if (pod is null)
        {
            return;
        }

        if (string.IsNullOrEmpty(pod.Spec?.NodeName))
        {
            await ScheduleAsync(key, pod, ct).ConfigureAwait(false);
        }
        else if (pod.Spec.NodeName == _options.NodeName)
        {
            await SyncBoundAsync(key, pod, run, ct).ConfigureAwait(false);
        }
    }

    private async Task SyncBoundAsync(string key, V1Pod pod, PodRun? run, CancellationToken ct)
    {
        var deleting = pod.Metadata.DeletionTimestamp is not null;
        var phase = pod.Status?.Phase;
        if (run is null)
        {
            var sandbox = new Sandbox(_options.WorkRoot, pod);
            if (deleting)
            {
                // Never started here (or started by an earlier agent): nothing to wait for but an orphan.
                PodRun.KillOrphan(sandbox);
                await FinalizeDeleteAsync(pod, ct).ConfigureAwait(false);
                _logs.Unregister(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name ?? "", pod.Metadata.Uid ?? "");
                sandbox.Delete();
                return;
            }

            if (PodPhases.IsTerminal(phase) || pod.Spec!.Containers.Count == 0)
            {
                ServeOldLog(pod, sandbox);
                return;
            }

            if (StartedBefore(pod, sandbox))
            {
                PodRun.KillOrphan(sandbox);
                ServeOldLog(pod, sandbox);
                LogLost(_log, key);
                await PatchPodStatusAsync(pod, PodStatuses.Lost(pod, _options.HostIP, _time.GetUtcNow()), ct).ConfigureAwait(false);
                return;
            }

            run = await StartAsync(key, pod, sandbox, ct).ConfigureAwait(false);
            if (run is null)
            {
                return;
            }
        }

        if (run.Result is { } terminated)
        {
            if (!PodPhases.IsTerminal(phase))
            {
                await PatchPodStatusAsync(pod, PodStatuses.Finished(pod, run, terminated, _options.HostIP, _time.GetUtcNow()), ct).ConfigureAwait(false);
            }

            if (deleting)
            {
                await FinalizeDeleteAsync(pod, ct).ConfigureAwait(false);
            }

            return;
        }

        if (deleting)
        {
            var grace = TimeSpan.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec!.TerminationGracePeriodSeconds ?? 30);
            if (!run.Stopping)
            {
                LogKilling(_log, key, grace.TotalSeconds);
                Record(pod, "Normal", "Killing", $"Stopping container {run.Container}");
            }

            run.RequestStop(grace);
            return;
        }

        var cs = pod.Status?.ContainerStatuses?.FirstOrDefault();
        if (phase != PodPhases.Running || cs?.State?.Running is null || cs.ContainerID != run.ContainerId)
        {
            await PatchPodStatusAsync(pod, PodStatuses.Running(pod, run, _options.HostIP, _time.GetUtcNow()), ct).ConfigureAwait(false);
        }
    }

    private async Task<PodRun?> StartAsync(string key, V1Pod pod, Sandbox sandbox, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var wantedGpus = (int)PodFit.Requests(pod).GetValueOrDefault(ResourceNames.Gpu);
        if (!TryTakeGpus(wantedGpus, out var gpus))
        {
            var message = $"Allocate failed due to requested number of devices unavailable for {ResourceNames.Gpu}. Requested: {wantedGpus}, Available: {_gpuInUse.Count(u => !u)}";
            await PatchPodStatusAsync(pod, PodStatuses.CannotStart(pod, new LaunchFailure("UnexpectedAdmissionError", message, Waiting: true), _options.HostIP, now), ct).ConfigureAwait(false);
            return null;
        }

        var visible = _options.Gpus > 0 ? string.Join(',', gpus) : null;
        if (await SecretVolumes.WriteAsync(_client, pod, sandbox, ct).ConfigureAwait(false) is { } unmounted)
        {
            // Like a kubelet's FailedMount: the pod stays Pending and the mount is retried (the Secret may come later).
            ReleaseGpus(gpus);
            _queue?.AddAfter(key, SecretVolumes.RetryInterval);
            if (pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Message != unmounted.Message)
            {
                Record(pod, "Warning", "FailedMount", unmounted.Message);
                await PatchPodStatusAsync(pod, SecretVolumes.Waiting(pod, unmounted, _options.HostIP, now), ct).ConfigureAwait(false);
            }

            return null;
        }

        var (plan, failure) = LaunchPlanner.Plan(pod, _options, sandbox, _agentEnvironment, visible);
        PodRun? run = null;
        if (plan is not null)
        {
            try
            {
                run = PodRun.Start(pod, plan, sandbox, _time, gpus, OnExited);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                failure = new LaunchFailure(NodeAgentReasons.StartError, $"starting \"{plan.Command[0]}\": {e.Message}", Waiting: false);
            }
        }

        if (run is null)
        {
            ReleaseGpus(gpus);
            var f = failure!;
            LogCannotStart(_log, key, f.Reason, f.Message);
            Record(pod, "Warning", "Failed", $"Error: {f.Reason}: {f.Message}");
            await PatchPodStatusAsync(pod, PodStatuses.CannotStart(pod, f, _options.HostIP, now), ct).ConfigureAwait(false);
            return null;
        }

        _runs[key] = run;
        _logs.Register(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name ?? "",
            new ProcessLogProvider.LogSource(run.Uid, run.Container, sandbox.LogPath(run.Container), run.Exited));
        LogStartedPod(_log, key, run.Pid, string.Join(' ', plan!.Command));
        Record(pod, "Normal", "Started", $"Started container {run.Container} as process {run.Pid}");
        return run;
    }

    private void OnExited(PodRun run)
    {
        ReleaseGpus(run.Gpus);
        LogExited(_log, run.Key, run.Pid, run.Result?.ExitCode ?? -1, run.Result?.Reason);
        try
        {
            _queue?.Add(run.Key);
        }
        catch (ObjectDisposedException)
        {
            // The agent stopped meanwhile; shutdown reports the exit itself.
        }
    }

    private void Cleanup(PodRun run)
    {
        _runs.TryRemove(new KeyValuePair<string, PodRun>(run.Key, run));
        var (ns, name) = ObjectKey.Split(run.Key);
        _logs.Unregister(ns ?? "", name, run.Uid);
        run.Sandbox.Delete();
        run.Dispose();
    }

    /// <summary>A pod whose status (or sandbox) shows a start we have no process for: an earlier agent started it.</summary>
    private static bool StartedBefore(V1Pod pod, Sandbox sandbox) =>
        pod.Status?.Phase == PodPhases.Running ||
        (pod.Status?.ContainerStatuses ?? []).Any(s => s.State?.Running is not null || s.State?.Terminated is not null) ||
        PodRun.WasStarted(sandbox);

    private void ServeOldLog(V1Pod pod, Sandbox sandbox)
    {
        var container = pod.Spec?.Containers.FirstOrDefault()?.Name;
        if (container is not null && File.Exists(sandbox.LogPath(container)))
        {
            _logs.Register(pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name ?? "",
                new ProcessLogProvider.LogSource(pod.Metadata.Uid ?? "", container, sandbox.LogPath(container), Task.CompletedTask));
        }
    }

    // ------------------------------------------------------------------ scheduling

    private async Task ScheduleAsync(string key, V1Pod pod, CancellationToken ct)
    {
        if (!_options.SchedulePods || pod.Metadata.DeletionTimestamp is not null || PodPhases.IsTerminal(pod.Status?.Phase) ||
            pod.Spec?.SchedulerName is not (null or "" or "default-scheduler"))
        {
            return;
        }

        string? unfit;
        await _scheduleGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var (used, count) = Usage();
            unfit = PodFit.Check(pod, _node, used, count);
            if (unfit is null)
            {
                try
                {
                    var binding = new V1Binding
                    {
                        Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid },
                        Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = _options.NodeName },
                    };
                    await _client.CoreV1.CreateNamespacedPodBindingAsync(binding, pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                        fieldManager: KubernetesObjects.FieldManager, cancellationToken: ct).ConfigureAwait(false);
                }
                catch (HttpOperationException e) when (e.IsConflict() || e.IsAlreadyExists() || e.IsNotFound())
                {
                    // Already bound (a retried bind, or another scheduler) or gone: nothing left to do.
                    return;
                }

                lock (_assumed)
                    _assumed[key] = (pod.Metadata.Uid ?? "", PodFit.Requests(pod), _time.GetUtcNow());
                LogBound(_log, key, _options.NodeName);
                Record(pod, "Normal", "Scheduled", $"Successfully assigned {key} to {_options.NodeName}");
                return;
            }
        }
        finally
        {
            _scheduleGate.Release();
        }

        if (PodStatuses.Unschedulable(pod, unfit, _time.GetUtcNow()) is { } status)
        {
            LogUnschedulable(_log, key, unfit);
            Record(pod, "Warning", "FailedScheduling", unfit);
            await PatchPodStatusAsync(pod, status, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Requests held on the node: non-terminal pods bound here, plus pods we bound that the watch has not shown yet.</summary>
    private (Dictionary<string, decimal> Used, int Count) Usage()
    {
        var used = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var count = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(Dictionary<string, decimal> requests)
        {
            count++;
            foreach (var (r, q) in requests)
            {
                used[r] = used.GetValueOrDefault(r) + q;
            }
        }

        foreach (var pod in _bound!.List())
        {
            seen.Add(pod.Metadata.Uid ?? "");
            if (!PodPhases.IsTerminal(pod.Status?.Phase))
            {
                Add(PodFit.Requests(pod));
            }
        }

        var now = _time.GetUtcNow();
        lock (_assumed)
        {
            foreach (var (key, a) in _assumed.ToList())
            {
                if (seen.Contains(a.Uid) || now - a.At > AssumeTimeout)
                {
                    _assumed.Remove(key);
                }
                else
                {
                    Add(a.Requests);
                }
            }
        }

        return (used, count);
    }

    private bool TryTakeGpus(int wanted, out IReadOnlyList<int> gpus)
    {
        lock (_gpuInUse)
        {
            var free = Enumerable.Range(0, _gpuInUse.Length).Where(i => !_gpuInUse[i]).Take(Math.Max(0, wanted)).ToList();
            if (free.Count < wanted)
            {
                gpus = [];
                return false;
            }

            foreach (var i in free)
            {
                _gpuInUse[i] = true;
            }

            gpus = free;
            return true;
        }
    }

    private void ReleaseGpus(IReadOnlyList<int> gpus)
    {
        lock (_gpuInUse)
        {
            foreach (var i in gpus)
            {
                _gpuInUse[i] = false;
            }
        }
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
