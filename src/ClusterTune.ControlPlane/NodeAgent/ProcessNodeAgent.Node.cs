using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Retry;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>The Node: labels, capacity, registration and the Ready heartbeat.</summary>
public sealed partial class ProcessNodeAgent
{
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
}
