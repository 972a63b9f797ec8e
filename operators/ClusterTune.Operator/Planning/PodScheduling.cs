using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>How long a pod has been unschedulable (PodScheduled=False, reason Unschedulable) and whether that is too long. Pure.</summary>
public static class PodScheduling
{
    /// <summary>The default of OperatorOptions.UnschedulableTimeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>An unschedulable pod: since when, the scheduler's message, and the time left before the deadline (zero = expired).</summary>
    public sealed record Stuck(DateTimeOffset Since, string Message, TimeSpan Remaining)
    {
        public bool Expired => Remaining <= TimeSpan.Zero;
    }

    /// <summary>Null when the pod is scheduled or not (yet) reported unschedulable.</summary>
    public static Stuck? Unschedulable(V1Pod pod, DateTimeOffset now, TimeSpan timeout)
    {
        var c = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (c is not { Status: "False", Reason: "Unschedulable" } || pod.Spec?.NodeName is { Length: > 0 })
        {
            return null;
        }

        DateTimeOffset since = c.LastTransitionTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))
            : pod.Metadata?.CreationTimestamp is { } created ? new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) : now;
        var remaining = since + timeout - now;
        return new Stuck(since, c.Message ?? "no node fits the pod", remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining);
    }
}
