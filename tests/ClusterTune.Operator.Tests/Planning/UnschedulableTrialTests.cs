using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Issue 13 item 3: a trial whose pod can never be scheduled fails with reason Unschedulable after the deadline.</summary>
public sealed class UnschedulableTrialTests
{
    private static readonly string Pod1 = ResourceNames.Pod(JobName, 0, 1);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private const string NoFit = "0/1 nodes are available: 1 Insufficient cpu.";

    private static V1Pod Pending(double? unschedulableSinceMinutes, string reason = "Unschedulable", string status = "False")
    {
        var p = Pod(1);
        if (unschedulableSinceMinutes is { } m)
        {
            p.Status!.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = status, Reason = reason, Message = NoFit, LastTransitionTime = At(m).UtcDateTime }];
        }

        return p;
    }

    private static TrialPlan Plan(V1Pod pod, double nowMinutes) =>
        TrialPlanner.Plan(new TrialPlanInput(Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated)), Spec(), false, false, [pod], At(nowMinutes),
            TimeSpan.FromMinutes(5), Timeout));

    /// <summary>Each row: the pod's PodScheduled condition (since, reason, status), now, and whether the trial fails.</summary>
    public static TheoryData<string, V1Pod, double, bool> Rows() => new()
    {
        { "no PodScheduled condition yet", Pending(null), 30, false },
        { "unschedulable for 9 min", Pending(0), 9, false },
        { "unschedulable for exactly 10 min", Pending(0), 10, true },
        { "unschedulable for 30 min", Pending(0), 30, true },
        { "scheduling gated, not unschedulable", Pending(0, reason: "SchedulingGated"), 30, false },
        { "scheduled", Pending(0, reason: "", status: "True"), 30, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Fails_only_after_the_deadline(string name, V1Pod pod, double now, bool fails)
    {
        var plan = Plan(pod, now);
        Assert.True(fails == (plan.Status?.Phase == TrialPhase.Failed), name);
        if (!fails)
        {
            return;
        }

        Assert.Equal(TrialReasons.Unschedulable, plan.Status!.Reason);
        Assert.Contains(NoFit, plan.Status.Message);
        Assert.Contains("spec.trainer.resources", plan.Status.Message);
        Assert.Equal(Pod1, plan.DeletePod);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.TrialFailed && e.Message.Contains(NoFit));
    }

    [Fact]
    public void Before_the_deadline_the_trial_is_reconciled_again_when_it_expires()
    {
        var plan = Plan(Pending(0), 4);
        Assert.Null(plan.DeletePod);
        Assert.InRange(plan.RequeueAfter!.Value, TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(6.1));
    }
}
