using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>Why a running attempt must stop now (stop, suspension, rung budget, deadline, heartbeat) and when to look again.</summary>
public static partial class TrialPlanner
{
    private static (string? Reason, string Message, PlannedEvent? Event)? StopReason(TrialPlanInput input, TrialStatus s, PodOutcome outcome,
        bool stopRequested, int budget, int maxResource, int epoch)
    {
        if (stopRequested)
        {
            return (null, "stop requested", null);
        }

        if (s.Reason == TrialReasons.InvalidObjective)
        {
            return (null, s.Message ?? "objective not finite", null);
        }

        if (input.JobSuspended)
        {
            var (reason, message) = TrialSuspension.Stopping(s.PodName ?? "", epoch);
            return (reason, message, null);
        }

        if (budget < maxResource && epoch >= budget)
        {
            return (null, $"reached its budget of {budget} epochs", null);
        }

        var now = input.Now;
        if (input.Spec.Budget.TrialDeadline is { } d && GoDuration.TryParse(d, out var deadline) && outcome.StartedAt is { } started && now - started > deadline)
        {
            var m = $"attempt ran longer than budget.trialDeadline {d}";
            return (TrialReasons.DeadlineExceeded, m, new PlannedEvent(EventTypes.Warning, EventReasons.DeadlineExceeded, m));
        }
        if (outcome.State == PodOutcomeState.Running && input.Spec.HeartbeatTimeout is { } timeout)
        {
            var last = Max(Max(s.LastHeartbeat, input.LastPoint), outcome.StartedAt);
            if (last is { } l && now - l > timeout)
            {
                var m = $"no metrics for {(now - l).TotalSeconds:0} s (retryPolicy.heartbeatTimeout {input.Spec.RetryPolicy.HeartbeatTimeout})";
                return (TrialReasons.HeartbeatTimeout, m, new PlannedEvent(EventTypes.Warning, EventReasons.TrialStuck, m));
            }
        }
        return null;
    }

    private static TimeSpan? NextCheck(TrialPlanInput input, TrialStatus s, PodOutcome outcome)
    {
        if (outcome.State != PodOutcomeState.Running || outcome.StartedAt is not { } started)
        {
            return null;
        }

        TimeSpan? next = null;
        if (input.Spec.Budget.TrialDeadline is { } d && GoDuration.TryParse(d, out var deadline))
        {
            next = started + deadline - input.Now;
        }

        if (input.Spec.HeartbeatTimeout is { } timeout && Max(Max(s.LastHeartbeat, input.LastPoint), started) is { } last)
        {
            var h = last + timeout - input.Now;
            next = next is null || h < next ? h : next;
        }
        return next is { } n ? (n < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : n + TimeSpan.FromMilliseconds(100)) : null;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
