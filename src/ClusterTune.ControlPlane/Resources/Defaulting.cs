using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>Server-side defaults of built-in objects, as a real apiserver fills them on create.</summary>
internal static class Defaulting
{
    public static void Pod(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject ?? new JsonObject();
        pod["spec"] = spec;
        if (spec["containers"] is JsonArray containers)
        {
            foreach (var c in containers.OfType<JsonObject>())
            {
                c.TryAdd("resources", new JsonObject());
                c.TryAdd("terminationMessagePath", "/dev/termination-log");
                c.TryAdd("terminationMessagePolicy", "File");
                var image = JsonUtil.Str(c, "image") ?? "";
                var latest = !image.Contains(':') || image.EndsWith(":latest", StringComparison.Ordinal);
                c.TryAdd("imagePullPolicy", latest ? "Always" : "IfNotPresent");
            }
        }

        spec.TryAdd("restartPolicy", "Always");
        spec.TryAdd("terminationGracePeriodSeconds", 30);
        spec.TryAdd("dnsPolicy", "ClusterFirst");
        spec.TryAdd("securityContext", new JsonObject());
        spec.TryAdd("schedulerName", "default-scheduler");
        spec.TryAdd("tolerations", new JsonArray(
            Toleration("node.kubernetes.io/not-ready"),
            Toleration("node.kubernetes.io/unreachable")));
        spec.TryAdd("priority", 0);
        spec.TryAdd("enableServiceLinks", true);
        spec.TryAdd("preemptionPolicy", "PreemptLowerPriority");
        pod["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(spec) };
    }

    /// <summary>Fills what the typed PodStatus serializes even when unset (lastState, terminated start/finish times).</summary>
    public static void PodStatus(JsonObject pod)
    {
        if (pod["status"]?["containerStatuses"] is not JsonArray statuses)
        {
            return;
        }

        foreach (var cs in statuses.OfType<JsonObject>())
        {
            cs.TryAdd("lastState", new JsonObject());
            if (cs["state"]?["terminated"] is JsonObject terminated)
            {
                terminated.TryAdd("startedAt", null);
                terminated.TryAdd("finishedAt", null);
            }
        }
    }

    private static JsonObject Toleration(string key) => new()
    {
        ["key"] = key,
        ["operator"] = "Exists",
        ["effect"] = "NoExecute",
        ["tolerationSeconds"] = 300,
    };

    /// <summary>BestEffort without requests/limits, Guaranteed when every container's limits equal its requests.</summary>
    public static string QosClass(JsonObject spec)
    {
        var containers = (spec["containers"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var requests = c["resources"]?["requests"] as JsonObject;
            var limits = c["resources"]?["limits"] as JsonObject;
            if ((requests?.Count ?? 0) > 0 || (limits?.Count ?? 0) > 0)
            {
                any = true;
            }

            var hasCpuMem = limits is not null && limits.ContainsKey("cpu") && limits.ContainsKey("memory");
            var reqMatch = requests is null || requests.All(r => limits is not null && JsonNode.DeepEquals(limits[r.Key], r.Value));
            if (!hasCpuMem || !reqMatch)
            {
                guaranteed = false;
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    public static void Namespace(JsonObject ns)
    {
        ns["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        ns["status"] = new JsonObject { ["phase"] = "Active" };
    }

    public static void CrdStatus(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var stored = new JsonArray();
        foreach (var v in ((JsonArray)spec["versions"]!).OfType<JsonObject>())
        {
            if (JsonUtil.Bool(v["storage"]) == true)
            {
                stored.Add(JsonUtil.Str(v, "name"));
            }
        }

        crd["status"] = new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = spec["names"]?.DeepClone(),
            ["storedVersions"] = stored,
        };
    }

    private static JsonObject Condition(string type, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = null,
        ["reason"] = reason,
        ["message"] = message,
    };
}
