using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class TrialPlannerTests
{
    private static readonly string Pod1 = ResourceNames.Pod(JobName, 0, 1);
    private static readonly string Pod2 = ResourceNames.Pod(JobName, 0, 2);

    private static EffectiveSpec Promote() => Spec(s =>
    {
        s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 1, MaxResource = 3, ReductionFactor = 3, Mode = EarlyStoppingMode.Promote };
    });

    [Fact]
    public void Fresh_trial_creates_pod_attempt_1()
    {
        var plan = PlanTrial(Trial(0), Spec(), []);

        Assert.Equal(1, plan.CreatePodAttempt);
        Assert.Null(plan.DeletePod);
        Assert.Equal(TrialPhase.Pending, plan.Status!.Phase);
        Assert.Equal(TrialReasons.PodCreated, plan.Status.Reason);
        Assert.Equal(1, plan.Status.Attempts);
        Assert.Equal(Pod1, plan.Status.PodName);
        // Routine: no event (an API write each) for a trial's first pod; its status says so.
        Assert.Empty(plan.Events);
    }

    [Fact]
    public void Running_pod_moves_the_trial_to_Running_and_only_a_retry_starting_is_an_event()
    {
        var trial = Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated));
        var plan = PlanTrial(trial, Spec(), [Running(1, At(1))], now: At(2));

        Assert.Null(plan.CreatePodAttempt);
        Assert.Null(plan.DeletePod);
        Assert.Equal(TrialPhase.Running, plan.Status!.Phase);
        Assert.Equal(TrialReasons.PodRunning, plan.Status.Reason);
        Assert.Equal(At(1), plan.Status.StartTime);
        Assert.Empty(plan.Events);
        var retry = Trial(0, Status(TrialPhase.Pending, attempts: 2, reason: TrialReasons.PodCreated));
        var e = Assert.Single(PlanTrial(retry, Spec(), [Running(2, At(1))], now: At(2)).Events);
        Assert.Equal(EventReasons.TrialStarted, e.Reason);
        // The default heartbeat timeout (10m) from the pod's start is the next look.
        Assert.NotNull(plan.RequeueAfter);
        Assert.InRange(plan.RequeueAfter!.Value, TimeSpan.FromMinutes(8.9), TimeSpan.FromMinutes(9.1));
    }

    [Fact]
    public void Succeeded_pod_with_result_fills_objective_metrics_checkpoints_and_trainable_fields()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var spec = Spec(s => s.Trainer.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = 2 } });
        var plan = PlanTrial(trial, spec, [Terminated(1, 0, message: Result(objective: 0.93), started: At(0), finished: At(10))], now: At(11));

        var s = plan.Status!;
        Assert.Equal(TrialPhase.Succeeded, s.Phase);
        Assert.Equal(TrialReasons.Completed, s.Reason);
        Assert.Equal(0.93, s.Objective);
        Assert.Equal(3, s.Epoch);
        Assert.Equal(0.93, s.Metrics!["accuracy"]);
        Assert.Equal(0.21, s.Metrics["loss"]);
        Assert.Equal("file:///ckpt/ml/sweep/trials/sweep-0/best", s.CheckpointUri);
        Assert.Equal("file:///ckpt/ml/sweep/trials/sweep-0/last", s.LastCheckpointUri);
        Assert.Equal(12345, s.TrainableParameters);
        Assert.Equal(0.25, s.TrainableFraction);
        Assert.Equal(At(11), s.CompletionTime);
        Assert.Equal(2 * 600, s.GpuSeconds); // 2 GPUs × 10 minutes
        // Success is routine (the status says it); the epochs the status lacked came from the termination message.
        Assert.Equal([EventReasons.ResultRecovered], plan.Events.Select(e => e.Reason));
        Assert.Null(plan.CreatePodAttempt);
    }

    /// <summary>Rows: case, pod (attempt 1 of a Running trial), retryOnOom, expected phase, reason, create attempt, text the message must contain.</summary>
    public static TheoryData<string, V1Pod, bool, TrialPhase, string, int?, string?> Outcomes() => new()
    {
        { "exit 0 without objective", Terminated(1, 0, message: Result(objective: null)), false, TrialPhase.Failed, TrialReasons.InvalidObjective, null, "no finite objective" },
        { "exit 0 without any message", Terminated(1, 0), false, TrialPhase.Failed, TrialReasons.InvalidObjective, null, null },
        { "exit 0 with a NaN objective (not JSON)", Terminated(1, 0, message: """{"status":"succeeded","objective":NaN,"metrics":{},"epoch":3}"""), false, TrialPhase.Failed, TrialReasons.InvalidObjective, null, null },
        { "OOMKilled", Terminated(1, 137, containerReason: "OOMKilled"), false, TrialPhase.Failed, TrialReasons.OutOfMemory, null, "OOM-killed" },
        { "OOMKilled with retryOnOom", Terminated(1, 137, containerReason: "OOMKilled"), true, TrialPhase.Pending, TrialReasons.OutOfMemory, 2, "retrying as attempt 2" },
        { "Evicted", PodFailed(1, "Evicted"), false, TrialPhase.Pending, TrialReasons.Evicted, 2, "evicted" },
        { "NodeLost", PodFailed(1, "NodeLost"), false, TrialPhase.Pending, TrialReasons.NodeLost, 2, "lost" },
        { "exit 2", Terminated(1, 2, message: "unknown parameter foo"), false, TrialPhase.Failed, TrialReasons.InvalidConfig, null, "unknown parameter foo" },
        { "exit 1 with result message", Terminated(1, 1, message: Result(TrialResult.Failed, objective: null, message: "CUDA error: device-side assert")), false, TrialPhase.Failed, TrialReasons.TrainerError, null, "CUDA error: device-side assert" },
        { "exit 1 constraint", Terminated(1, 1, message: Result(TrialResult.Failed, objective: null, message: "trainable fraction 0.9 above maxTrainableParamsFraction 0.5")), false, TrialPhase.Failed, TrialReasons.ConstraintViolated, null, "maxTrainableParamsFraction" },
        { "SIGKILL nobody here sent (kill -9)", Terminated(1, 137), false, TrialPhase.Pending, TrialReasons.Killed, 2, "killed by signal 9 (SIGKILL) that the operator did not send" },
        { "checkpoint write failed (exit 74)", Terminated(1, 74, message: Result(TrialResult.Failed, objective: null, message: "checkpoint write failed: no space left on device at /ckpt/last")), false, TrialPhase.Pending, TrialReasons.CheckpointWriteFailed, 2, "no space left on device at /ckpt/last" },
        { "SIGSEGV is a trainer crash", Terminated(1, 139), false, TrialPhase.Failed, TrialReasons.TrainerError, null, "killed by signal 11 (SIGSEGV)" },
        { "exit 1 without a message names the code", Terminated(1, 1), false, TrialPhase.Failed, TrialReasons.TrainerError, null, "exit code 1" },
        { "local image without a command", ImageNeverPull(1), false, TrialPhase.Failed, TrialReasons.ImagePullFailed, null, "has no local command" },
        { "SIGTERM nobody asked for", Terminated(1, 143, message: Result(TrialResult.Stopped, objective: 0.5, epoch: 1)), false, TrialPhase.Pending, TrialReasons.PodDeleted, 2, "SIGTERM" },
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Finished_pod_outcomes(string name, V1Pod pod, bool retryOnOom, TrialPhase phase, string reason, int? create, string? message)
    {
        _ = name;
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var plan = PlanTrial(trial, Spec(s => s.RetryPolicy = new RetryPolicy { RetryOnOom = retryOnOom }), [pod], now: At(11));

        Assert.Equal(phase, plan.Status!.Phase);
        Assert.Equal(reason, plan.Status.Reason);
        Assert.Equal(create, plan.CreatePodAttempt);
        if (create is { } attempt)
        {
            Assert.Equal(attempt, plan.Status.Attempts);
            Assert.Equal(ResourceNames.Pod(JobName, 0, attempt), plan.Status.PodName);
            Assert.Contains(plan.Events, e => e.Reason == EventReasons.TrialRetried);
            Assert.Null(plan.Status.CompletionTime);
        }
        else
        {
            Assert.Equal(At(11), plan.Status.CompletionTime);
            Assert.Contains(plan.Events, e => e.Reason == EventReasons.TrialFailed && e.Type == EventTypes.Warning);
        }
        if (message is not null)
        {
            Assert.Contains(message, plan.Status.Message);
        }
    }

    /// <summary>Rows: attempts already used, maxAttempts, expected create (null = RetriesExhausted).</summary>
    [Theory]
    [InlineData(1, 3, 2)]
    [InlineData(2, 3, 3)]
    [InlineData(3, 3, null)]
    [InlineData(1, 1, null)]
    [InlineData(4, 5, 5)]
    public void Evictions_retry_until_maxAttempts(int attempts, int maxAttempts, int? create)
    {
        var trial = Trial(0, Status(TrialPhase.Running, attempts: attempts, reason: TrialReasons.PodRunning));
        var spec = Spec(s => s.RetryPolicy = new RetryPolicy { MaxAttempts = maxAttempts });
        var plan = PlanTrial(trial, spec, [PodFailed(attempts, "Evicted")], now: At(11));

        Assert.Equal(create, plan.CreatePodAttempt);
        if (create is null)
        {
            Assert.Equal(TrialPhase.Failed, plan.Status!.Phase);
            Assert.Equal(TrialReasons.RetriesExhausted, plan.Status.Reason);
            Assert.Contains($"{attempts} attempt(s) used", plan.Status.Message);
        }
        else
        {
            Assert.Equal(TrialPhase.Pending, plan.Status!.Phase);
            Assert.Equal(TrialReasons.Evicted, plan.Status.Reason);
            Assert.Equal(create, plan.Status.Attempts);
        }
    }

    /// <summary>
    /// Rows: case, the failed pod (ended at T0+10m), attempts used, retryPolicy.backoff, seconds after the end, expected
    /// create (null: the retry waits), expected requeue in seconds when it waits.
    /// </summary>
    public static TheoryData<string, Func<int, V1Pod>, int, string?, double, int?, double?> Backoffs() => new()
    {
        { "exit 74 waits the default 10s", a => Terminated(a, 74), 1, null, 3, null, 7 },
        { "exit 74 retries once 10s passed", a => Terminated(a, 74), 1, null, 10, 2, null },
        { "the second failure waits twice as long", a => Terminated(a, 74), 2, null, 15, null, 5 },
        { "the third four times", a => Terminated(a, 137), 3, "10s", 39, null, 1 },
        { "doubling stops at 5m", a => Terminated(a, 137), 9, "10s", 299, null, 1 },
        { "doubling stops at 5m (due)", a => Terminated(a, 137), 9, "10s", 300, 10, null },
        { "a backoff above 5m is 5m", a => Terminated(a, 137), 1, "1h", 300, 2, null },
        { "0s retries at once", a => Terminated(a, 74), 1, "0s", 0, 2, null },
        { "OOM with retryOnOom waits too", a => Terminated(a, 137, containerReason: "OOMKilled"), 1, "30s", 29, null, 1 },
        { "an eviction does not wait", a => PodFailed(a, "Evicted"), 1, "10s", 0, 2, null },
        { "SIGTERM nobody asked for does not wait", a => Terminated(a, 143, message: Result(TrialResult.Stopped, objective: 0.5, epoch: 1)), 1, "10s", 0, 2, null },
    };

    [Theory]
    [MemberData(nameof(Backoffs))]
    public void A_trainer_that_failed_on_its_own_is_retried_after_retryPolicy_backoff(string name, Func<int, V1Pod> pod, int attempts, string? backoff,
        double secondsAfter, int? create, double? requeue)
    {
        _ = name;
        var trial = Trial(0, Status(TrialPhase.Running, attempts: attempts, reason: TrialReasons.PodRunning));
        var spec = Spec(s => s.RetryPolicy = new RetryPolicy { MaxAttempts = 10, RetryOnOom = true, Backoff = backoff });
        var plan = PlanTrial(trial, spec, [pod(attempts)], now: At(10).AddSeconds(secondsAfter));

        Assert.Equal(create, plan.CreatePodAttempt);
        if (create is null)
        {
            // Waiting: the attempt count is unchanged, the message says when, and its TrialRetried says it once.
            Assert.Equal(TimeSpan.FromSeconds(requeue!.Value), plan.RequeueAfter);
            Assert.Equal(attempts, plan.Status!.Attempts);
            var at = At(10).AddSeconds(secondsAfter + requeue.Value);
            Assert.Contains($"retrying as attempt {attempts + 1} at {at.UtcDateTime:HH:mm:ss} UTC", plan.Status.Message);
            Assert.Contains("retryPolicy.backoff", plan.Status.Message);
            Assert.Equal(plan.Status.Message, Assert.Single(plan.Events, e => e.Reason == EventReasons.TrialRetried).Message);

            var again = PlanTrial(Trial(0, plan.Status), spec, [pod(attempts)], now: At(10).AddSeconds(secondsAfter + requeue.Value / 2));
            Assert.Null(again.Status);
            Assert.Empty(again.Events);
            Assert.Null(again.CreatePodAttempt);

            // Due: the next attempt starts; the TrialRetried was the wait's, so only PodCreated is new.
            var due = PlanTrial(Trial(0, plan.Status), spec, [pod(attempts)], now: at);
            Assert.Equal(attempts + 1, due.CreatePodAttempt);
            Assert.DoesNotContain(due.Events, e => e.Reason == EventReasons.TrialRetried);
            Assert.Contains(due.Events, e => e.Reason == EventReasons.PodCreated);
        }
        else
        {
            Assert.Equal(TrialPhase.Pending, plan.Status!.Phase);
            Assert.Contains(plan.Events, e => e.Reason == EventReasons.TrialRetried);
        }
    }

    // Created, then not visible (the pod cache and even a live read can lag our own create, as under stale reads):
    // the same attempt's pod is created again, which is a no-op when it exists; no new attempt, no second pod.
    [Fact]
    public void Pod_not_seen_since_its_create_is_created_again_under_the_same_attempt()
    {
        var trial = Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated));
        var plan = PlanTrial(trial, Spec(), []);

        Assert.Equal(1, plan.CreatePodAttempt);
        Assert.Null(plan.Status);
        Assert.Equal(TimeSpan.FromSeconds(2), plan.RequeueAfter);
    }

    [Fact]
    public void Pod_vanished_while_running_is_retried_as_PodDeleted()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var plan = PlanTrial(trial, Spec(), []);

        Assert.Equal(2, plan.CreatePodAttempt);
        Assert.Equal(TrialReasons.PodDeleted, plan.Status!.Reason);
        Assert.Equal(Pod2, plan.Status.PodName);
        Assert.Contains("disappeared", plan.Status.Message);
    }

    /// <summary>
    /// A pod the operator deleted on purpose can vanish before its terminated status is ever seen (the kubelet removes
    /// it right after the container exits). The deletion's purpose decides, not "pod lost".
    /// </summary>
    [Fact]
    public void Pod_deleted_for_the_deadline_that_vanished_fails_DeadlineExceeded_without_retry()
    {
        var spec = Spec(s => s.Budget!.TrialDeadline = "30m");
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.DeadlineExceeded));
        var plan = PlanTrial(trial, spec, [], now: At(32));
        Assert.Null(plan.CreatePodAttempt);
        Assert.Equal(TrialPhase.Failed, plan.Status!.Phase);
        Assert.Equal(TrialReasons.DeadlineExceeded, plan.Status.Reason);
    }

    [Fact]
    public void Pod_deleted_to_pause_at_a_rung_that_vanished_pauses_without_retry()
    {
        var s = Status(TrialPhase.Running, epoch: 1, reason: TrialReasons.PodRunning);
        s.LastCheckpointUri = "file:///ckpt/ml/sweep/trials/sweep-0/last";
        var plan = PlanTrial(Trial(0, s, epochs: 1, rung: 0), Promote(), [], now: At(5));
        Assert.Null(plan.CreatePodAttempt);
        Assert.Equal(TrialPhase.Paused, plan.Status!.Phase);
        Assert.Equal(TrialReasons.PausedAtRung, plan.Status.Reason);
        Assert.Equal(1, plan.Status.Attempts);
    }

    [Theory]
    [InlineData(TrialReasons.HeartbeatTimeout)]
    [InlineData(TrialReasons.StuckTerminating)]
    public void Pod_deleted_as_stuck_that_vanished_is_retried_with_its_reason(string reason)
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: reason));
        var plan = PlanTrial(trial, Spec(), [], now: At(20));
        Assert.Equal(2, plan.CreatePodAttempt);
        Assert.Equal(reason, plan.Status!.Reason);
    }

    // The reconciler passes a deleted pod only when its final state holds its end; one deleted while it still ran is
    // gone. A stopped trial then ends at once with the epochs its status has, instead of waiting StuckTerminatingTimeout.
    [Fact]
    public void A_stopped_trial_whose_pod_vanished_without_a_result_ends_at_once()
    {
        var trial = Trial(0, Status(TrialPhase.Running, epoch: 1, reason: TrialReasons.PodRunning), stop: true);
        trial.Status!.PodName = Pod1;

        var plan = PlanTrial(trial, Spec(), [], now: At(3));

        Assert.Equal((TrialPhase.EarlyStopped, TrialReasons.EarlyStopped), (plan.Status!.Phase, plan.Status.Reason));
        Assert.Equal($"stopped at epoch 1; pod {Pod1} was deleted before it reported a result", plan.Status.Message);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Null(plan.RequeueAfter);
    }

    [Theory]
    [InlineData(false, TrialReasons.EarlyStopped)]
    [InlineData(true, TrialReasons.JobEnded)]
    public void Stop_deletes_the_pod_then_the_terminated_pod_is_EarlyStopped(bool jobEnded, string reason)
    {
        var trial = Trial(0, Status(TrialPhase.Running, epoch: 1, reason: TrialReasons.PodRunning), stop: true);
        var first = PlanTrial(trial, Spec(), [Running(1, At(0))], now: At(2), jobEnded: jobEnded);
        Assert.Equal(Pod1, first.DeletePod);
        Assert.False(first.ForceDelete);
        Assert.Null(first.CreatePodAttempt);

        var terminated = Terminated(1, 143, message: Result(TrialResult.Stopped, objective: 0.6, epoch: 2));
        var second = PlanTrial(WithStatus(trial, first.Status ?? trial.Status), Spec(), [terminated], now: At(3), jobEnded: jobEnded);
        Assert.Equal(TrialPhase.EarlyStopped, second.Status!.Phase);
        Assert.Equal(reason, second.Status.Reason);
        Assert.Equal(2, second.Status.Epoch);
        Assert.Null(second.CreatePodAttempt);
        // The stop decision was the job's TrialStopped event; epoch 2 reached the status only through the result.
        Assert.Equal([EventReasons.ResultRecovered], second.Events.Select(e => e.Reason));
    }

    [Fact]
    public void Stop_requested_before_the_pod_exists_ends_without_a_pod()
    {
        var plan = PlanTrial(Trial(0, stop: true), Spec(), []);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Equal(TrialPhase.EarlyStopped, plan.Status!.Phase);
    }

    [Fact]
    public void Deadline_exceeded_deletes_the_pod_then_fails_DeadlineExceeded()
    {
        var spec = Spec(s => s.Budget!.TrialDeadline = "30m");
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        trial.Status!.LastHeartbeat = At(28); // metrics keep arriving: only the deadline applies

        var before = PlanTrial(trial, spec, [Running(1, At(0))], now: At(29));
        Assert.Null(before.DeletePod);
        Assert.Null(before.Status);

        var first = PlanTrial(trial, spec, [Running(1, At(0))], now: At(31));
        Assert.Equal(Pod1, first.DeletePod);
        Assert.Equal(TrialReasons.DeadlineExceeded, first.Status!.Reason);
        Assert.Contains(first.Events, e => e.Reason == EventReasons.DeadlineExceeded);

        var trial2 = WithStatus(trial, first.Status);
        // While the pod terminates nothing else happens.
        var waiting = PlanTrial(trial2, spec, [Deleting(Running(1, At(0)), At(31))], now: At(31.5));
        Assert.Null(waiting.Status);
        Assert.Null(waiting.DeletePod);
        Assert.Null(waiting.CreatePodAttempt);

        var second = PlanTrial(trial2, spec, [Terminated(1, 143, started: At(0), finished: At(31.7))], now: At(32));
        Assert.Equal(TrialPhase.Failed, second.Status!.Phase);
        Assert.Equal(TrialReasons.DeadlineExceeded, second.Status.Reason);
        Assert.Null(second.CreatePodAttempt);
    }

    [Fact]
    public void Heartbeat_timeout_deletes_the_pod_then_retries()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        trial.Status!.LastHeartbeat = At(1);

        var fresh = PlanTrial(trial, Spec(), [Running(1, At(0))], now: At(10));
        Assert.Null(fresh.DeletePod);

        var first = PlanTrial(trial, Spec(), [Running(1, At(0))], now: At(12));
        Assert.Equal(Pod1, first.DeletePod);
        Assert.Equal(TrialReasons.HeartbeatTimeout, first.Status!.Reason);
        Assert.Contains(first.Events, e => e.Reason == EventReasons.TrialStuck);

        var second = PlanTrial(WithStatus(trial, first.Status), Spec(), [Terminated(1, 143)], now: At(13));
        Assert.Equal(2, second.CreatePodAttempt);
        Assert.Equal(TrialPhase.Pending, second.Status!.Phase);
        Assert.Equal(TrialReasons.HeartbeatTimeout, second.Status.Reason);
    }

    // status.lastHeartbeat is written only every heartbeatTimeout/4: the check counts silence from the grain's last point.
    [Theory]
    [InlineData(null, 12, true)]  // the status alone: 11 min of silence against 10
    [InlineData(9.0, 12, false)]  // a point 3 min ago, not yet written
    [InlineData(9.0, 18.9, false)]
    [InlineData(9.0, 19.1, true)] // 10.1 min after the last point
    [InlineData(0.5, 12, true)]   // an older point than the status holds changes nothing
    public void Heartbeat_silence_counts_from_the_later_of_the_written_heartbeat_and_the_last_point(double? lastPoint, double now, bool stuck)
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        trial.Status!.LastHeartbeat = At(1);
        var plan = TrialPlanner.Plan(new TrialPlanInput(trial, Spec(), false, false, [Running(1, At(0))], At(now), TimeSpan.FromMinutes(5))
        {
            LastPoint = lastPoint is { } p ? At(p) : null,
        });

        Assert.Equal(stuck ? Pod1 : null, plan.DeletePod);
        Assert.Equal(stuck ? TrialReasons.HeartbeatTimeout : null, plan.Status?.Reason);
    }

    [Theory]
    [InlineData(5.0, false)]     // within timeout (5m) + grace (30s)
    [InlineData(5.4, false)]
    [InlineData(5.6, true)]
    public void Pod_stuck_Terminating_beyond_timeout_plus_grace_is_force_deleted(double minutes, bool force)
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var pod = Deleting(Running(1, At(0)), At(10), grace: 30);
        var plan = PlanTrial(trial, Spec(), [pod], now: At(10 + minutes), stuck: TimeSpan.FromMinutes(5));

        Assert.Equal(force, plan.ForceDelete);
        Assert.Equal(force ? Pod1 : null, plan.DeletePod);
        Assert.Null(plan.CreatePodAttempt);
        if (force)
        {
            Assert.Equal(TrialReasons.StuckTerminating, plan.Status!.Reason);
        }
        else
        {
            Assert.NotNull(plan.RequeueAfter);
        }
    }

    [Fact]
    public void Stuck_terminated_pod_is_retried_as_StuckTerminating()
    {
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.StuckTerminating));
        var plan = PlanTrial(trial, Spec(), [Terminated(1, 137)], now: At(20));
        Assert.Equal(2, plan.CreatePodAttempt);
        Assert.Equal(TrialReasons.StuckTerminating, plan.Status!.Reason);
    }

    [Theory]
    [InlineData(143)]
    [InlineData(0)]
    public void Promote_mode_pauses_at_the_rung(int exitCode)
    {
        var spec = Promote();
        var trial = Trial(0, Status(TrialPhase.Running, epoch: 1, reason: TrialReasons.PodRunning), epochs: 1, rung: 0);

        var first = PlanTrial(trial, spec, [Running(1, At(0))], now: At(4));
        Assert.Equal(Pod1, first.DeletePod);
        Assert.Null(first.CreatePodAttempt);

        var second = PlanTrial(trial, spec, [Terminated(1, exitCode, message: Result(TrialResult.Stopped, objective: 0.7, epoch: 1))], now: At(5));
        Assert.Equal(TrialPhase.Paused, second.Status!.Phase);
        Assert.Equal(TrialReasons.PausedAtRung, second.Status.Reason);
        Assert.Equal("file:///ckpt/ml/sweep/trials/sweep-0/last", second.Status.LastCheckpointUri);
        Assert.Empty(second.Events); // every trial pauses at its rung: routine (the job's TrialPromoted is the news)
        Assert.Null(second.CreatePodAttempt);
    }

    [Fact]
    public void Promote_mode_below_the_rung_keeps_running()
    {
        var trial = Trial(0, Status(TrialPhase.Running, epoch: 0, reason: TrialReasons.PodRunning), epochs: 1, rung: 0);
        var plan = PlanTrial(trial, Promote(), [Running(1, At(0))], now: At(4));
        Assert.Null(plan.DeletePod);
    }

    private static Trial Paused(int epochs, bool? stop = null)
    {
        var s = Status(TrialPhase.Paused, epoch: 1, reason: TrialReasons.PausedAtRung);
        s.LastCheckpointUri = "file:///ckpt/ml/sweep/trials/sweep-0/last";
        return Trial(0, s, epochs: epochs, rung: epochs > 1 ? 1 : 0, stop: stop);
    }

    [Fact]
    public void Paused_trial_with_raised_epochs_resumes_as_a_new_attempt()
    {
        var plan = PlanTrial(Paused(epochs: 3), Promote(), [Terminated(1, 143)]);

        Assert.Equal(2, plan.CreatePodAttempt);
        Assert.Equal(TrialPhase.Pending, plan.Status!.Phase);
        Assert.Equal(TrialReasons.Promoted, plan.Status.Reason);
        Assert.Equal(Pod2, plan.Status.PodName);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.TrialResumed && e.Message.Contains("sweep-0/last"));
    }

    [Theory]
    [InlineData(1, false)] // budget not raised
    [InlineData(3, true)]  // job suspended
    public void Paused_trial_waits(int epochs, bool suspended)
    {
        var plan = PlanTrial(Paused(epochs), Promote(), [Terminated(1, 143)], suspended: suspended);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Null(plan.Status);
    }

    [Fact]
    public void Paused_trial_stopped_is_EarlyStopped()
    {
        var plan = PlanTrial(Paused(1, stop: true), Promote(), [Terminated(1, 143)]);
        Assert.Equal(TrialPhase.EarlyStopped, plan.Status!.Phase);
        Assert.Null(plan.CreatePodAttempt);
    }

    [Fact]
    public void Suspended_job_starts_no_pod()
    {
        var plan = PlanTrial(Trial(0), Spec(), [], suspended: true);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Null(plan.Status?.Attempts);
    }

    [Fact]
    public void Pod_created_before_a_crash_is_adopted_not_created_twice()
    {
        // The pod of attempt 1 exists, but the status write after its create never happened.
        var plan = PlanTrial(Trial(0), Spec(), [Waiting(1)]);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Equal(1, plan.Status!.Attempts);
        Assert.Equal(Pod1, plan.Status.PodName);

        // Same after a retry: attempt 2 exists, status still says attempt 1 (evicted).
        var trial = Trial(0, Status(TrialPhase.Running, attempts: 1, reason: TrialReasons.PodRunning));
        var retry = PlanTrial(trial, Spec(), [PodFailed(1, "Evicted"), Running(2, At(3))]);
        Assert.Null(retry.CreatePodAttempt);
        Assert.Equal(2, retry.Status!.Attempts);
        Assert.Equal(Pod2, retry.Status.PodName);
        Assert.Null(retry.DeletePod);
    }

    [Theory]
    [InlineData(TrialPhase.Succeeded)]
    [InlineData(TrialPhase.Failed)]
    [InlineData(TrialPhase.EarlyStopped)]
    public void Terminal_trial_with_a_running_pod_deletes_it(TrialPhase phase)
    {
        var trial = Trial(0, Status(phase, objective: 0.9, reason: "x"));
        var plan = PlanTrial(trial, Spec(), [Running(1, At(0))]);
        Assert.Equal(Pod1, plan.DeletePod);
        Assert.Null(plan.CreatePodAttempt);
        Assert.Null(plan.Status);

        var gone = PlanTrial(trial, Spec(), [Terminated(1, 0)]);
        Assert.Null(gone.DeletePod);
        Assert.Null(gone.Status);
    }

    [Fact]
    public void Image_pull_failure_fails_the_trial_and_deletes_the_pod()
    {
        var trial = Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated));
        var plan = PlanTrial(trial, Spec(), [Waiting(1, "ImagePullBackOff", "not found")]);
        Assert.Equal(TrialPhase.Failed, plan.Status!.Phase);
        Assert.Equal(TrialReasons.ImagePullFailed, plan.Status.Reason);
        Assert.Equal(Pod1, plan.DeletePod);
    }

    /// <summary>Scenarios for the idempotence check: a trial, its pods, the job-level flags, the time.</summary>
    public static TheoryData<string, Trial, V1Pod[], bool, bool, double> Scenarios()
    {
        var running = Status(TrialPhase.Running, reason: TrialReasons.PodRunning);
        var runningHb = Status(TrialPhase.Running, reason: TrialReasons.PodRunning);
        runningHb.LastHeartbeat = At(0);
        return new()
        {
            { "fresh", Trial(0), [], false, false, 1 },
            { "pending pod waiting", Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated)), [Waiting(1)], false, false, 1 },
            { "pod running", Trial(0, Status(TrialPhase.Pending, reason: TrialReasons.PodCreated)), [Running(1, At(0))], false, false, 1 },
            { "succeeded", Trial(0, running), [Terminated(1, 0, message: Result())], false, false, 11 },
            { "invalid objective", Trial(0, running), [Terminated(1, 0)], false, false, 11 },
            { "oom", Trial(0, running), [Terminated(1, 137, containerReason: "OOMKilled")], false, false, 11 },
            { "evicted", Trial(0, running), [PodFailed(1, "Evicted")], false, false, 11 },
            { "vanished", Trial(0, running), [], false, false, 11 },
            { "stop", Trial(0, running, stop: true), [Running(1, At(0))], false, false, 2 },
            { "job ended", Trial(0, running), [Running(1, At(0))], true, false, 2 },
            { "heartbeat", Trial(0, runningHb), [Running(1, At(0))], false, false, 12 },
            { "suspended fresh", Trial(0), [], false, true, 1 },
            { "paused resumed", Paused(3), [Terminated(1, 143)], false, false, 1 },
            { "terminal with pod", Trial(0, Status(TrialPhase.Succeeded, objective: 0.9)), [Running(1, At(0))], false, false, 1 },
            { "adopted", Trial(0), [Waiting(1)], false, false, 1 },
        };
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Planning_again_on_the_planned_status_changes_nothing(string name, Trial trial, V1Pod[] pods, bool jobEnded, bool suspended, double minutes)
    {
        _ = name;
        var spec = name.StartsWith("paused", StringComparison.Ordinal) ? Promote() : Spec();
        var now = At(minutes);
        var first = PlanTrial(trial, spec, pods, now, jobEnded, suspended);

        // Act on the plan the way the reconciler does: create the pod, delete a pod, write the status.
        var after = pods.Select(Clone).ToList();
        if (first.CreatePodAttempt is { } attempt)
        {
            after.Add(Waiting(attempt));
        }

        if (first.DeletePod is { } victim)
        {
            after = after.Select(p => p.Metadata.Name == victim ? Deleting(p, now) : p).ToList();
        }

        var trial2 = first.Status is null ? trial : WithStatus(trial, first.Status);

        var second = PlanTrial(trial2, spec, after, now, jobEnded, suspended);
        Assert.Null(second.Status);
        Assert.Null(second.CreatePodAttempt);
        Assert.Null(second.DeletePod);
    }

    [Fact]
    public void Paused_and_terminal_phases_never_create_a_second_pod_for_the_same_attempt()
    {
        // Property: whatever the pod outcome, a created attempt number is always status.attempts + 1 and names a pod not in the list.
        foreach (var (_, trial, pods, jobEnded, suspended, minutes) in Scenarios().Select(r => ((string)r[0], (Trial)r[1], (V1Pod[])r[2], (bool)r[3], (bool)r[4], (double)r[5])))
        {
            var spec = trial.Status?.Phase == TrialPhase.Paused ? Promote() : Spec();
            var plan = PlanTrial(trial, spec, pods, At(minutes), jobEnded, suspended);
            if (plan.CreatePodAttempt is not { } attempt)
            {
                continue;
            }

            Assert.Equal(attempt, plan.Status!.Attempts);
            Assert.DoesNotContain(pods, p => p.Metadata.Name == ResourceNames.Pod(JobName, 0, attempt));
        }
    }
}
