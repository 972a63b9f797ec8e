using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>
/// spec.suspend as Kueue expects it: a suspended job runs no pods (running ones checkpoint via SIGTERM and pause),
/// resumes them from their checkpoints, and a Kueue queue label with suspend unset means suspended.
/// </summary>
public sealed class SuspensionPlanningTests
{
    private const string Last = "file:///ckpt/ml/sweep/trials/sweep-0/last";

    [Fact]
    public void Suspending_a_job_SIGTERMs_its_running_and_waiting_pods()
    {
        var running = PlanTrial(Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning, epoch: 1)), Spec(), [Running(1, At(1))], now: At(2), suspended: true);
        Assert.Equal(ResourceNames.Pod(JobName, 0, 1), running.DeletePod);
        Assert.False(running.ForceDelete);
        Assert.Equal(TrialReasons.Suspended, running.Status!.Reason);
        Assert.Equal(TrialPhase.Running, running.Status.Phase);

        var waiting = PlanTrial(Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated)), Spec(), [Waiting(1)], suspended: true);
        Assert.Equal(ResourceNames.Pod(JobName, 0, 1), waiting.DeletePod);

        var unsuspended = PlanTrial(Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning, epoch: 1)), Spec(), [Running(1, At(1))], now: At(2));
        Assert.Null(unsuspended.DeletePod);
    }

    [Theory]
    [InlineData(143, TrialResult.Stopped, 1, TrialPhase.Paused)] // checkpointed on SIGTERM after epoch 1
    [InlineData(0, TrialResult.Succeeded, 3, TrialPhase.Succeeded)] // finished all 3 epochs before the signal landed
    [InlineData(1, TrialResult.Failed, 1, TrialPhase.Failed)] // a crash is a crash, suspended or not
    public void A_suspended_attempt_pauses_only_when_it_stopped_short_of_its_budget(int exitCode, string result, int epoch, TrialPhase expected)
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.Suspended, epoch: 1));
        var plan = PlanTrial(trial, Spec(), [Terminated(1, exitCode, message: Result(result, objective: 0.8, epoch: epoch))], suspended: true);

        Assert.Equal(expected, plan.Status!.Phase);
        Assert.Null(plan.CreatePodAttempt);
        if (expected == TrialPhase.Paused)
        {
            Assert.Equal(TrialReasons.Suspended, plan.Status.Reason);
            Assert.Equal(1, plan.Status.Suspensions);
            Assert.Equal(Last, plan.Status.LastCheckpointUri);
            Assert.Contains(plan.Events, e => e.Reason == EventReasons.TrialPaused);
        }
    }

    [Fact]
    public void A_pod_deleted_before_its_status_was_seen_pauses_too()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.Suspended, epoch: 2));
        var plan = PlanTrial(trial, Spec(), [], suspended: true);
        Assert.Equal(TrialPhase.Paused, plan.Status!.Phase);
        Assert.Equal(2, plan.Status.Epoch);
    }

    [Fact]
    public void A_paused_trial_waits_while_suspended_and_resumes_from_its_checkpoint_after()
    {
        var status = Status(TrialPhase.Paused, reason: TrialReasons.Suspended, epoch: 1);
        status.LastCheckpointUri = Last;
        status.Suspensions = 1;
        var stopped = Terminated(1, 143, message: Result(TrialResult.Stopped, epoch: 1));

        var held = PlanTrial(Trial(0, status), Spec(), [stopped], suspended: true);
        Assert.Null(held.CreatePodAttempt);

        var resumed = PlanTrial(Trial(0, status), Spec(), [stopped]);
        Assert.Equal(2, resumed.CreatePodAttempt);
        Assert.Equal(TrialPhase.Pending, resumed.Status!.Phase);
        Assert.Equal(TrialReasons.PodCreated, resumed.Status.Reason);
        Assert.Equal(Last, resumed.Status.LastCheckpointUri); // the pod's CT_RESUME_FROM
        Assert.Contains(resumed.Events, e => e.Reason == EventReasons.TrialResumed);
    }

    [Fact]
    public void Suspensions_do_not_use_the_retry_allowance()
    {
        // maxAttempts 2: attempt 1 was suspended, so the eviction of attempt 2 is the first failure and is retried.
        var spec = Spec(s => s.RetryPolicy = new RetryPolicy { MaxAttempts = 2 });
        var status = Status(TrialPhase.Running, attempts: 2, reason: TrialReasons.PodRunning, epoch: 1);
        status.Suspensions = 1;
        var plan = PlanTrial(Trial(0, status), spec, [PodFailed(2, "Evicted")]);
        Assert.Equal(3, plan.CreatePodAttempt);

        status.Suspensions = null;
        var exhausted = PlanTrial(Trial(0, status), spec, [PodFailed(2, "Evicted")]);
        Assert.Equal(TrialReasons.RetriesExhausted, exhausted.Status!.Reason);
    }

    [Fact]
    public void A_trial_paused_by_a_suspension_keeps_its_parallelism_slot()
    {
        var status = Status(TrialPhase.Paused, reason: TrialReasons.Suspended, epoch: 1);
        Assert.Equal(ClusterTune.Search.TrialStatus.Running, SweepMapping.ToRecord(Trial(0, status)).Status);
        var rung = Status(TrialPhase.Paused, reason: TrialReasons.PausedAtRung, epoch: 3);
        Assert.Equal(ClusterTune.Search.TrialStatus.Paused, SweepMapping.ToRecord(Trial(0, rung)).Status);
    }

    [Theory]
    [InlineData(null, "team-a", true)] // Kueue's queue label, suspend unset: wait for admission
    [InlineData(false, "team-a", false)] // admitted: Kueue set suspend false
    [InlineData(true, null, true)]
    [InlineData(null, null, false)]
    [InlineData(null, "", false)]
    public void A_Kueue_queue_label_with_suspend_unset_starts_the_job_suspended(bool? suspend, string? queue, bool suspended)
    {
        var job = Job(s => s.Suspend = suspend);
        if (queue is not null)
        {
            job.Metadata.Labels = new Dictionary<string, string> { [LabelKeys.KueueQueueName] = queue };
        }

        Assert.Equal(suspended, JobControl.IsSuspended(job));
        var plan = PlanJob(job);
        Assert.Equal(suspended, plan.Status.Phase == FineTuneJobPhase.Suspended);
        Assert.Equal(suspended, plan.TrialsToCreate.Count == 0);
        if (suspended && suspend is null)
        {
            Assert.Contains("waiting for Kueue admission", Cond(plan.Status, ConditionTypes.Suspended)!.Message);
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(JobControl.ClusterTuneController, true)]
    [InlineData(JobControl.MultiKueueController, false)]
    [InlineData("example.com/other", false)]
    public void Only_an_unset_or_ClusterTune_managedBy_is_reconciled_by_the_operator(string? managedBy, bool ours)
    {
        Assert.Equal(ours, JobControl.IsManagedByClusterTune(Job(s => s.ManagedBy = managedBy)));
        Assert.Empty(FineTuneJobValidator.Validate(Job(s => s.ManagedBy = managedBy)));
    }

    [Theory]
    [InlineData("multikueue")]
    [InlineData("Kueue.x-k8s.io/multikueue")]
    [InlineData("kueue.x-k8s.io/")]
    public void A_malformed_managedBy_names_the_field_and_the_fix(string managedBy)
    {
        var error = Assert.Single(FineTuneJobValidator.Validate(Job(s => s.ManagedBy = managedBy)));
        Assert.Equal("spec.managedBy", error.Path);
        Assert.Contains(JobControl.MultiKueueController, error.Fix);
    }
}
