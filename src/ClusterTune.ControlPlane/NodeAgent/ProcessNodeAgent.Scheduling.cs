using ClusterTune.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Binding pending pods that fit the node (CPU, memory, pods, GPUs), with assumed pods until the watch shows them.</summary>
public sealed partial class ProcessNodeAgent
{
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
                {
                    _assumed[key] = (pod.Metadata.Uid ?? "", PodFit.Requests(pod), _time.GetUtcNow());
                }

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
}
