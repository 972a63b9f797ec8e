using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Recovery decisions: a retry while suspended, and resuming from a checkpoint found on the volume.</summary>
public sealed class TrialRecoveryPlanningTests
{
    [Fact]
    public void A_retry_waits_while_the_job_is_suspended_and_starts_once_it_is_resumed()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var evicted = PodFailed(1, "Evicted");

        var held = PlanTrial(trial, Spec(), [evicted], suspended: true);
        Assert.Null(held.CreatePodAttempt);
        Assert.Equal(1, held.Status!.Attempts);
        Assert.Equal(TrialReasons.Evicted, held.Status.Reason);
        Assert.Contains("the retry waits until spec.suspend is false", held.Status.Message);
        Assert.Null(held.Status.GpuSeconds);
        Assert.Single(held.Events);
        Assert.Equal(TrialPlanner.SuspendedRetryCheck, held.RequeueAfter);

        // Reconciled again while still suspended: nothing changes, no event repeats.
        var again = PlanTrial(WithStatus(trial, held.Status), Spec(), [evicted], suspended: true);
        Assert.Null(again.CreatePodAttempt);
        Assert.Null(again.Status);
        Assert.Empty(again.Events);

        var resumed = PlanTrial(WithStatus(trial, held.Status), Spec(), [evicted], suspended: false);
        Assert.Equal(2, resumed.CreatePodAttempt);
        Assert.Equal(2, resumed.Status!.Attempts);
    }

    [Fact]
    public void A_killed_trainer_without_a_termination_message_resumes_from_the_checkpoint_found_on_the_volume()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var asked = 0;
        // A minute after the pod ended (T0+10m): its retryPolicy.backoff (10s) has passed.
        var plan = PlanTrial(trial, Spec(), [Terminated(1, 137)], now: At(11), findCheckpoint: () =>
        {
            asked++;
            return "/ckpt/ml/sweep/trials/sweep-0/last";
        });

        Assert.Equal(2, plan.CreatePodAttempt);
        Assert.Equal(1, asked);
        Assert.Equal("/ckpt/ml/sweep/trials/sweep-0/last", plan.Status!.LastCheckpointUri);
        Assert.Contains("resuming from /ckpt/ml/sweep/trials/sweep-0/last found on the checkpoint volume", plan.Status.Message);
    }

    [Fact]
    public void A_checkpoint_recorded_from_the_termination_message_wins_and_the_volume_is_not_searched()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var pod = Terminated(1, 143, message: Result(TrialResult.Stopped, objective: 0.5, epoch: 1));
        var plan = PlanTrial(trial, Spec(), [pod], findCheckpoint: () => throw new InvalidOperationException("must not be asked"));

        Assert.Equal(2, plan.CreatePodAttempt);
        Assert.Equal("file:///ckpt/ml/sweep/trials/sweep-0/last", plan.Status!.LastCheckpointUri);
    }

    [Fact]
    public void A_user_failure_does_not_search_the_volume()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var plan = PlanTrial(trial, Spec(), [Terminated(1, 1)], findCheckpoint: () => throw new InvalidOperationException("must not be asked"));
        Assert.Equal(TrialPhase.Failed, plan.Status!.Phase);
    }
}
