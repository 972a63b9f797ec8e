using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Which FineTuneJob status changes can wait. Progress — trial counts, GPU time, the summary and condition messages
/// that quote them, the best trial's numbers while it stays the best, the Pareto front — changes with every trial
/// transition and is written at most once per interval; anything else (phase, a condition's status or reason, a new
/// best trial, a promotion, the observed generation, notification records, warm start, constraints) is written at
/// once. Decisions never read these fields back (they plan on the Trials), and the operator's metrics carry the live
/// values, so deferring them costs only `kubectl get` lag, bounded by the interval.
/// </summary>
public static class StatusProgress
{
    /// <summary>
    /// When <paramref name="desired"/> may be written instead of now: null to write now (something other than
    /// progress changed, or nothing was written for at least <paramref name="interval"/>), else the time the deferred
    /// write is due (<paramref name="lastWrite"/> + <paramref name="interval"/>).
    /// </summary>
    public static DateTimeOffset? DeferUntil(FineTuneJobStatus? current, FineTuneJobStatus desired, DateTimeOffset? lastWrite, DateTimeOffset now, TimeSpan interval)
    {
        if (current is null || lastWrite is not { } last || now - last >= interval)
        {
            return null;
        }

        return JsonNode.DeepEquals(Decisive(current), Decisive(desired)) ? last + interval : null;
    }

    /// <summary>The status without its progress fields.</summary>
    private static JsonNode? Decisive(FineTuneJobStatus status)
    {
        var node = JsonSerializer.SerializeToNode(status, ApiJson.Options)!.AsObject();
        foreach (var field in (string[])["trials", "gpuSecondsUsed", "gpuHoursRemaining", "message", "paretoFront", "paretoFrontSize"])
        {
            node.Remove(field);
        }

        if (node["bestTrial"] is JsonObject best)
        {
            node["bestTrial"] = new JsonObject { ["name"] = best["name"]?.DeepClone(), ["promotedUri"] = best["promotedUri"]?.DeepClone(), ["sha256"] = best["sha256"]?.DeepClone() };
        }

        foreach (var condition in node["conditions"]?.AsArray() ?? [])
        {
            condition?.AsObject().Remove("message");
        }

        return node;
    }
}
