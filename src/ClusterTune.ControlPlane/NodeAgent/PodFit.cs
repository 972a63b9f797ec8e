using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>The one-node scheduler's filters as pure functions, with kube-scheduler's wording for why a pod does not fit.</summary>
internal static class PodFit
{
    /// <summary>A pod's summed requests per accounted resource; a container's limit stands in for a missing request, as the API server defaults it.</summary>
    public static Dictionary<string, decimal> Requests(V1Pod pod)
    {
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var c in pod.Spec?.Containers ?? [])
        {
            foreach (var resource in ResourceNames.Accounted)
            {
                if ((Get(c.Resources?.Requests, resource) ?? Get(c.Resources?.Limits, resource)) is { } q)
                {
                    total[resource] = total.GetValueOrDefault(resource) + q.ToDecimal();
                }
            }
        }

        return total;
    }

    /// <summary>
    /// Null when the pod fits next to <paramref name="used"/> (the requests of <paramref name="podsUsed"/> pods already
    /// on the node); otherwise the PodScheduled=False message. Filters run in kube-scheduler's order and the first
    /// failing one explains the node.
    /// </summary>
    public static string? Check(V1Pod pod, NodeView node, IReadOnlyDictionary<string, decimal> used, int podsUsed)
    {
        if (node.Unschedulable)
        {
            return Message("1 node(s) were unschedulable");
        }

        foreach (var (key, value) in pod.Spec?.NodeSelector ?? new Dictionary<string, string>())
        {
            if (!node.Labels.TryGetValue(key, out var actual) || actual != value)
            {
                return Message("1 node(s) didn't match Pod's node affinity/selector");
            }
        }

        foreach (var taint in node.Taints)
        {
            if (taint.Effect is "NoSchedule" or "NoExecute" && !(pod.Spec?.Tolerations ?? []).Any(t => Tolerates(t, taint)))
            {
                return Message($"1 node(s) had untolerated taint {{{taint.Key}: {taint.Value}}}");
            }
        }

        var reasons = new List<string>();
        if (podsUsed + 1 > node.MaxPods)
        {
            reasons.Add("1 Too many pods");
        }

        foreach (var (resource, wanted) in Requests(pod).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (wanted > 0 && used.GetValueOrDefault(resource) + wanted > node.Allocatable.GetValueOrDefault(resource))
            {
                reasons.Add($"1 Insufficient {resource}");
            }
        }

        return reasons.Count == 0 ? null : Message(string.Join(", ", reasons));
    }

    /// <summary>core/v1 Toleration.ToleratesTaint: empty effect matches all effects, Exists with an empty key matches all keys.</summary>
    public static bool Tolerates(V1Toleration t, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(t.Effect) && t.Effect != taint.Effect)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(t.Key) && t.Key != taint.Key)
        {
            return false;
        }

        return t.OperatorProperty switch
        {
            "Exists" => true,
            null or "" or "Equal" => !string.IsNullOrEmpty(t.Key) && (t.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }

    private static string Message(string reasons) => $"0/1 nodes are available: {reasons}.";

    private static ResourceQuantity? Get(IDictionary<string, ResourceQuantity>? quantities, string name) =>
        quantities is not null && quantities.TryGetValue(name, out var q) ? q : null;
}
