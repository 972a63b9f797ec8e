using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Controllers;

/// <summary>
/// The NoSchedule part of node lifecycle management in a cluster: a Node whose Ready condition is not True carries a
/// NoSchedule taint, removed once Ready=True is posted. Ready=False, or no Ready condition yet (a newly registered
/// node), maps to <c>node.kubernetes.io/not-ready</c>; Ready=Unknown to <c>node.kubernetes.io/unreachable</c>, as in
/// kube-controller-manager's nodeConditionToTaintKeyStatusMap. NoExecute taints and evictions are not modelled.
/// </summary>
/// <remarks>
/// In a cluster the taint of a new node is added in the create itself (the TaintNodesByCondition admission plugin)
/// and later changes by the controller in a write of its own, moments after the kubelet's status write. Here both
/// happen in the write that changes the Ready condition: the node agent, like a kubelet without a node informer,
/// takes its node's taints from the answer to its status write, and a taint removed a moment later would keep its
/// pods unschedulable until its next heartbeat.
/// </remarks>
internal static class NodeLifecycleController
{
    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    public static void Attach(Operations ops) => ops.Mutators.Add((type, obj) =>
    {
        if (type.Group == "" && type.Plural == "nodes")
        {
            Reconcile(obj);
        }
    });

    /// <summary>The NoSchedule taint a node's Ready condition calls for, or null when it is Ready.</summary>
    internal static string? WantedTaint(JsonObject node)
    {
        var ready = (node["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => JsonUtil.Str(c, "type") == "Ready");
        return JsonUtil.Str(ready, "status") switch
        {
            "True" => null,
            "Unknown" => UnreachableTaint,
            _ => NotReadyTaint,
        };
    }

    /// <summary>Adds or removes the lifecycle taint so it matches the Ready condition; other taints are kept in order.</summary>
    private static void Reconcile(JsonObject node)
    {
        var wanted = WantedTaint(node);
        var taints = (node["spec"]?["taints"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var kept = taints.Where(t => !IsLifecycleTaint(t) || JsonUtil.Str(t, "key") == wanted).ToList();
        if (wanted is not null && !kept.Any(t => JsonUtil.Str(t, "key") == wanted))
        {
            kept.Add(new JsonObject { ["key"] = wanted, ["effect"] = "NoSchedule" });
        }

        if (kept.Count == taints.Count && kept.All(taints.Contains))
        {
            return;
        }

        var spec = node["spec"] as JsonObject ?? new JsonObject();
        node["spec"] = spec;
        if (kept.Count == 0)
        {
            spec.Remove("taints");
        }
        else
        {
            spec["taints"] = new JsonArray(kept.Select(t => (JsonNode?)t.DeepClone()).ToArray());
        }
    }

    private static bool IsLifecycleTaint(JsonObject taint) =>
        JsonUtil.Str(taint, "effect") == "NoSchedule" && JsonUtil.Str(taint, "key") is NotReadyTaint or UnreachableTaint;
}
