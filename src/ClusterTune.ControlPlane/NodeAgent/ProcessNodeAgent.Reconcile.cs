using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Queue;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Pods bound to this node: the work queue, starting processes, reporting their status, cleaning up.</summary>
public sealed partial class ProcessNodeAgent
{
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
}
