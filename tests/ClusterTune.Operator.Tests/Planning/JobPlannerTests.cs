using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class JobPlannerTests
{
    [Fact]
    public void Invalid_spec_is_not_validated_fails_and_creates_nothing()
    {
        var job = Job(s => { s.Trainer.Image = ""; s.Trainer.Epochs = 0; });
        var plan = PlanJob(job);

        Assert.Empty(plan.TrialsToCreate);
        Assert.Empty(plan.TrialChanges);
        Assert.False(plan.PromoteBest);
        var validated = Cond(plan.Status, ConditionTypes.Validated)!;
        Assert.Equal("False", validated.Status);
        Assert.Equal(ConditionReasons.SpecInvalid, validated.Reason);
        Assert.Contains("spec.trainer.image", validated.Message);
        Assert.Contains("spec.trainer.epochs", validated.Message);
        Assert.Equal(ConditionReasons.SpecInvalid, Cond(plan.Status, ConditionTypes.Failed)!.Reason);
        Assert.Equal(FineTuneJobPhase.Failed, plan.Status.Phase);
        var e = Assert.Single(plan.Events);
        Assert.Equal(EventReasons.SpecInvalid, e.Reason);
        Assert.Equal(EventTypes.Warning, e.Type);
        Assert.Contains("spec.trainer.image", e.Message);

        // The same errors again: no second event.
        var again = PlanJob(After(job, plan));
        Assert.Empty(again.Events);

        // Fixed: validated, no longer failed, trials start.
        var fixedJob = After(job, plan);
        fixedJob.Spec.Trainer.Image = "clustertune/trainer:dev";
        fixedJob.Spec.Trainer.Epochs = 3;
        var fixedPlan = PlanJob(fixedJob);
        Assert.Equal("True", Cond(fixedPlan.Status, ConditionTypes.Validated)!.Status);
        Assert.Null(Cond(fixedPlan.Status, ConditionTypes.Failed));
        Assert.Equal(2, fixedPlan.TrialsToCreate.Count);
    }

    [Fact]
    public void Valid_fresh_job_starts_the_sweep_with_parallelism_trials()
    {
        var job = Job(s => s.RetryPolicy = new RetryPolicy { MaxAttempts = 4 });
        var plan = PlanJob(job, now: At(1));

        Assert.Contains(plan.Events, e => e.Reason == EventReasons.SweepStarted);
        Assert.Equal("True", Cond(plan.Status, ConditionTypes.Validated)!.Status);
        Assert.Equal(ConditionReasons.SpecValid, Cond(plan.Status, ConditionTypes.Validated)!.Reason);
        Assert.Equal(At(1), plan.Status.StartTime);
        Assert.Equal(FineTuneJobPhase.Running, plan.Status.Phase);
        Assert.Equal(1, plan.Status.ObservedGeneration);
        Assert.Equal(2, plan.TrialsToCreate.Count);
        Assert.Equal(2, plan.Status.Trials!.Pending);
        Assert.Equal(2, plan.Status.Trials.Total);
        for (var i = 0; i < 2; i++)
        {
            var t = plan.TrialsToCreate[i];
            Assert.Equal(ResourceNames.Trial(JobName, i), t.Metadata.Name);
            Assert.Equal(Ns, t.Metadata.NamespaceProperty);
            Assert.Equal(JobName, t.Metadata.Labels![LabelKeys.Job]);
            Assert.Equal(t.Metadata.Name, t.Metadata.Labels[LabelKeys.Trial]);
            Assert.Equal($"{i}", t.Metadata.Labels[LabelKeys.TrialIndex]);
            var owner = Assert.Single(t.Metadata.OwnerReferences!);
            Assert.Equal(JobUid, owner.Uid);
            Assert.Equal(FineTuneJob.KindName, owner.Kind);
            Assert.Equal(JobName, owner.Name);
            Assert.True(owner.Controller);
            Assert.Equal(JobName, t.Spec.JobName);
            Assert.Equal(i, t.Spec.Index);
            Assert.Equal(3, t.Spec.Epochs);
            Assert.Equal(4, t.Spec.RetryPolicy!.MaxAttempts);
            Assert.Equal(3, t.Spec.Params.Count);
            Assert.Null(t.Status);
        }
        // Creating trials is routine: no event (each is an API write); SweepStarted is the news.
        Assert.Equal([EventReasons.SweepStarted], plan.Events.Select(e => e.Reason));
    }

    [Fact]
    public void Asha_trials_start_at_the_first_rung()
    {
        // Promote mode: the trial's budget is the first rung. Stop mode: it trains to the full length and may be stopped.
        var promote = Job(s => s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 1, ReductionFactor = 3, Mode = EarlyStoppingMode.Promote });
        var t = PlanJob(promote).TrialsToCreate[0];
        Assert.Equal(1, t.Spec.Epochs);
        Assert.Equal(0, t.Spec.Rung);
        Assert.Null(t.Spec.Bracket);

        var stop = Job(s => s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 1, ReductionFactor = 3 });
        Assert.Equal(3, PlanJob(stop).TrialsToCreate[0].Spec.Epochs);

        var hyperband = Job(s => s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Hyperband, MinResource = 1, ReductionFactor = 3, Mode = EarlyStoppingMode.Promote });
        Assert.All(PlanJob(hyperband).TrialsToCreate, x => Assert.NotNull(x.Spec.Bracket));
    }

    /// <summary>Rows: phases of the existing trials (index order), parallelism, expected new trial indexes.</summary>
    public static TheoryData<TrialPhase[], int, int[]> Capacity() => new()
    {
        { [TrialPhase.Running, TrialPhase.Running], 2, [] },
        { [TrialPhase.Running, TrialPhase.Pending], 2, [] },
        { [TrialPhase.Running, TrialPhase.Succeeded], 2, [2] },
        { [TrialPhase.Running], 3, [1, 2] },
        { [TrialPhase.Failed, TrialPhase.Succeeded], 2, [2] },
        { [TrialPhase.Running, TrialPhase.Running], 1, [] },
    };

    [Theory]
    [MemberData(nameof(Capacity))]
    public void Parallelism_counts_active_trials(TrialPhase[] phases, int parallelism, int[] expected)
    {
        var job = Job(s => s.Budget = new BudgetSpec { Parallelism = parallelism, MaxFailedTrials = 5 });
        job.Status = PlanJob(Job()).Status;
        var trials = phases.Select((p, i) => p == TrialPhase.Succeeded ? Done(i, 0.5) : InPhase(i, p)).ToList();
        var plan = PlanJob(job, trials);
        Assert.Equal(expected, plan.TrialsToCreate.Select(t => t.Spec.Index));
    }

    // The Running condition's reason counts the trials this plan creates as starting: it stays TrialsRunning when the
    // last running trials end and the next ones are created in the same reconcile (a flip is a job status write).
    [Theory]
    [InlineData(new TrialPhase[0], 2, ConditionReasons.TrialsRunning, "2 trial(s) starting or running")]
    [InlineData(new[] { TrialPhase.Succeeded, TrialPhase.Succeeded }, 2, ConditionReasons.TrialsRunning, "1 trial(s) starting or running")] // the grid's last
    [InlineData(new[] { TrialPhase.Running, TrialPhase.Succeeded }, 2, ConditionReasons.TrialsRunning, "2 trial(s) starting or running")]
    [InlineData(new[] { TrialPhase.Running, TrialPhase.Pending }, 2, ConditionReasons.TrialsRunning, "2 trial(s) starting or running")]
    [InlineData(new[] { TrialPhase.Paused }, 1, ConditionReasons.TrialsRunning, "1 trial(s) starting or running")] // a paused trial with epochs to go resumes
    public void The_running_reason_counts_the_trials_being_created(TrialPhase[] phases, int parallelism, string reason, string message)
    {
        var job = Job(s => s.Budget = new BudgetSpec { Parallelism = parallelism, MaxFailedTrials = 5 });
        job.Status = PlanJob(Job()).Status;
        var trials = phases.Select((p, i) => p == TrialPhase.Succeeded ? Done(i, 0.5) : InPhase(i, p)).ToList();

        var running = Conditions.Find(PlanJob(job, trials).Status.Conditions, ConditionTypes.Running)!;
        Assert.Equal((reason, message), (running.Reason, running.Message));
    }

    private static FineTuneJob Started(Action<FineTuneJobSpec>? change = null)
    {
        var job = Job(change);
        job.Status = PlanJob(Job(change), now: T0).Status;
        return job;
    }

    [Theory]
    [InlineData(null, ConditionReasons.MaxTrialsReached, true)]     // maxTrials defaults to the grid size
    [InlineData(10, ConditionReasons.SearchSpaceExhausted, false)]
    public void Grid_exhausted_completes_and_promotes(int? maxTrials, string reason, bool budgetExhausted)
    {
        var job = Started(s => s.Budget!.MaxTrials = maxTrials);
        var plan = PlanJob(job, [Done(0, 0.5), Done(1, 0.9), Done(2, 0.7)], now: At(30));

        var complete = Cond(plan.Status, ConditionTypes.Complete)!;
        Assert.Equal("True", complete.Status);
        Assert.Equal(reason, complete.Reason);
        Assert.Equal(budgetExhausted ? "True" : "False", Cond(plan.Status, ConditionTypes.BudgetExhausted)!.Status);
        Assert.Equal("False", Cond(plan.Status, ConditionTypes.Running)!.Status);
        Assert.Equal(ConditionReasons.PromotionPending, Cond(plan.Status, ConditionTypes.CheckpointPromoted)!.Reason);
        Assert.True(plan.PromoteBest);
        Assert.Empty(plan.TrialsToCreate);
        Assert.Equal(FineTuneJobPhase.Succeeded, plan.Status.Phase);
        Assert.Equal(At(30), plan.Status.CompletionTime);
        Assert.Equal("sweep-1", plan.Status.BestTrial!.Name);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.SweepSucceeded);
    }

    /// <summary>Docs: "More failed trials than this fails the sweep."</summary>
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(1, 2, true)]
    [InlineData(0, 1, true)]
    [InlineData(3, 3, false)]
    public void MaxFailedTrials_fails_the_sweep_and_stops_active_trials(int maxFailed, int failed, bool fails)
    {
        var job = Started(s =>
        {
            s.SearchSpace!.LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 1, 2, 3, 4, 5, 6] };
            s.Budget = new BudgetSpec { Parallelism = 4, MaxFailedTrials = maxFailed };
        });
        var trials = Enumerable.Range(0, failed).Select(i => InPhase(i, TrialPhase.Failed)).Append(InPhase(failed, TrialPhase.Running)).ToList();
        var plan = PlanJob(job, trials, now: At(10));

        var cond = Cond(plan.Status, ConditionTypes.Failed);
        if (!fails)
        {
            Assert.Null(cond);
            Assert.NotEmpty(plan.TrialsToCreate);
            return;
        }
        Assert.Equal("True", cond!.Status);
        Assert.Equal(ConditionReasons.MaxFailedTrialsReached, cond.Reason);
        Assert.Contains($"{failed} trials failed, more than maxFailedTrials {maxFailed}", cond.Message); // the user's number, not a shifted one
        Assert.Equal(FineTuneJobPhase.Failed, plan.Status.Phase);
        Assert.Empty(plan.TrialsToCreate);
        var stop = Assert.Single(plan.TrialChanges);
        Assert.Equal(ResourceNames.Trial(JobName, failed), stop.Name);
        Assert.True(stop.Stop);
        Assert.False(plan.PromoteBest);
    }

    [Fact]
    public void Objective_target_completes_and_stops_the_rest()
    {
        var job = Started(s => s.Objective!.Target = 0.9);
        var plan = PlanJob(job, [Done(0, 0.95), InPhase(1, TrialPhase.Running)], now: At(10));

        Assert.Equal(ConditionReasons.ObjectiveTargetReached, Cond(plan.Status, ConditionTypes.Complete)!.Reason);
        Assert.Equal("sweep-1", Assert.Single(plan.TrialChanges).Name);
        Assert.True(plan.PromoteBest);

        // Terminal: the next plan does not stop it twice (the trial now has spec.stop) and creates nothing.
        var after = After(job, plan);
        var stopped = InPhase(1, TrialPhase.Running);
        stopped.Spec.Stop = true;
        var again = PlanJob(after, [Done(0, 0.95), stopped], now: At(11));
        Assert.Empty(again.TrialChanges);
        Assert.Empty(again.TrialsToCreate);
    }

    [Theory]
    [InlineData(TrialPhase.Failed)]
    [InlineData(TrialPhase.EarlyStopped)]
    public void No_successful_trial_fails_the_sweep(TrialPhase phase)
    {
        var job = Started(s => s.Budget!.MaxFailedTrials = 10);
        var plan = PlanJob(job, [InPhase(0, phase), InPhase(1, phase), InPhase(2, phase)], now: At(10));

        Assert.Equal(ConditionReasons.NoSuccessfulTrial, Cond(plan.Status, ConditionTypes.Failed)!.Reason);
        Assert.Null(Cond(plan.Status, ConditionTypes.Complete));
        Assert.False(plan.PromoteBest);
        Assert.Equal(FineTuneJobPhase.Failed, plan.Status.Phase);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.SweepFailed);
    }

    [Theory]
    [InlineData(59, false)]
    [InlineData(60, true)]
    [InlineData(61, true)]
    public void MaxDuration_is_measured_from_startTime_with_Now(double minutes, bool exhausted)
    {
        var job = Started(s => s.Budget!.MaxDuration = "1h");
        var plan = PlanJob(job, [Done(0, 0.8), InPhase(1, TrialPhase.Running)], now: At(minutes));

        var budget = Cond(plan.Status, ConditionTypes.BudgetExhausted)!;
        if (!exhausted)
        {
            Assert.Equal("False", budget.Status);
            Assert.Equal(JobPlanner.BudgetRecheck, plan.RequeueAfter);
            return;
        }
        Assert.Equal("True", budget.Status);
        Assert.Equal(ConditionReasons.MaxDurationReached, budget.Reason);
        Assert.Equal(ConditionReasons.MaxDurationReached, Cond(plan.Status, ConditionTypes.Complete)!.Reason);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.BudgetExhausted);
        Assert.Equal("sweep-1", Assert.Single(plan.TrialChanges).Name);
        Assert.Null(plan.RequeueAfter);
    }

    /// <summary>Rows: GPUs per pod, finished trials' gpuSeconds, running GPU-seconds, expected remaining hours, exhausted.</summary>
    [Theory]
    [InlineData(2, 1800, 900, 0.25, false)]
    [InlineData(2, 1800, 1800, 0.0, true)]
    [InlineData(1, 0, 0, 1.0, false)]
    [InlineData(1, 3000, 1000, 0.0, true)]
    public void Gpu_hours_burn_down(int gpus, double finishedSeconds, double runningSeconds, double remaining, bool exhausted)
    {
        var job = Started(s =>
        {
            s.Trainer.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = gpus } };
            s.Budget!.MaxGpuHours = 1;
        });
        var done = Done(0, 0.8);
        done.Status!.GpuSeconds = finishedSeconds;
        var plan = PlanJob(job, [done, InPhase(1, TrialPhase.Running)], now: At(20), runningGpuSeconds: runningSeconds);

        Assert.Equal(finishedSeconds + runningSeconds, plan.Status.GpuSecondsUsed);
        Assert.Equal(remaining, plan.Status.GpuHoursRemaining!.Value, 6);
        var budget = Cond(plan.Status, ConditionTypes.BudgetExhausted)!;
        Assert.Equal(exhausted ? "True" : "False", budget.Status);
        if (exhausted)
        {
            Assert.Equal(ConditionReasons.MaxGpuHoursReached, budget.Reason);
        }
        else
        {
            Assert.Equal(JobPlanner.BudgetRecheck, plan.RequeueAfter);
        }
    }

    [Fact]
    public void Without_a_gpu_budget_there_is_no_gpuHoursRemaining()
    {
        var plan = PlanJob(Started(), [InPhase(0, TrialPhase.Running)], runningGpuSeconds: 0);
        Assert.Null(plan.Status.GpuHoursRemaining);
        Assert.Equal(0, plan.Status.GpuSecondsUsed);
    }

    [Fact]
    public void Suspend_stops_new_trials_then_resume_continues()
    {
        var job = Started();
        job.Spec.Suspend = true;
        var plan = PlanJob(job, [Done(0, 0.5)], now: At(5));
        Assert.Empty(plan.TrialsToCreate);
        Assert.Equal(FineTuneJobPhase.Suspended, plan.Status.Phase);
        var suspended = Cond(plan.Status, ConditionTypes.Suspended)!;
        Assert.Equal("True", suspended.Status);
        Assert.Equal(ConditionReasons.SuspendRequested, suspended.Reason);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.SweepSuspended);

        var still = PlanJob(After(job, plan), [Done(0, 0.5)], now: At(6));
        Assert.DoesNotContain(still.Events, e => e.Reason == EventReasons.SweepSuspended);

        var resumedJob = After(job, plan);
        resumedJob.Spec.Suspend = false;
        var resumed = PlanJob(resumedJob, [Done(0, 0.5)], now: At(7));
        Assert.Equal("False", Cond(resumed.Status, ConditionTypes.Suspended)!.Status);
        Assert.Equal(ConditionReasons.Resumed, Cond(resumed.Status, ConditionTypes.Suspended)!.Reason);
        Assert.Contains(resumed.Events, e => e.Reason == EventReasons.SweepResumed);
        Assert.Equal([1, 2], resumed.TrialsToCreate.Select(t => t.Spec.Index));
        Assert.Equal(FineTuneJobPhase.Running, resumed.Status.Phase);
    }

    /// <summary>Rows: metric, objectives by index (NaN = not finite), expected best index (-1 = none).</summary>
    [Theory]
    [InlineData("accuracy", new[] { 0.5, 0.9, 0.9 }, 1)]
    [InlineData("accuracy", new[] { 0.9, 0.9, 0.95 }, 2)]
    [InlineData("loss", new[] { 0.3, 0.1, 0.1 }, 1)]
    [InlineData("accuracy", new[] { double.NaN, 0.1 }, 1)]
    [InlineData("loss", new[] { double.NaN, double.NaN }, -1)]
    public void Best_trial_ties_go_to_the_lowest_index_and_NaN_never_wins(string metric, double[] objectives, int best)
    {
        var job = Started(s => { s.Objective = new ObjectiveSpec { Metric = metric }; s.Budget!.MaxFailedTrials = 10; });
        // Reverse order: the planner must not depend on the list order.
        var trials = objectives.Select((o, i) => Done(i, o)).Reverse().ToList();
        foreach (var t in trials.Where(t => t.Status!.Objective is null))
        {
            t.Status!.Objective = double.NaN;
        }

        var plan = PlanJob(job, trials, now: At(10));

        if (best < 0)
        {
            Assert.Null(plan.Status.BestTrial);
            return;
        }
        Assert.Equal(ResourceNames.Trial(JobName, best), plan.Status.BestTrial!.Name);
        Assert.Equal(best, plan.Status.BestTrial.Index);
        Assert.Equal(objectives[best], plan.Status.BestTrial.Objective);
        Assert.Contains(plan.Events, e => e.Reason == EventReasons.BestTrialChanged);
    }

    [Fact]
    public void Status_holds_counts_and_the_best_trial_never_per_trial_lists()
    {
        var job = Started(s =>
        {
            s.SearchSpace!.LoraRank = new ParameterSpec { Type = ParameterType.Int, Min = 0, Max = 99 };
            s.Budget = new BudgetSpec { MaxTrials = 100, Parallelism = 10, MaxFailedTrials = 50 };
        });
        var trials = Enumerable.Range(0, 40).Select(i => i % 3 == 0 ? Done(i, i / 100.0) : InPhase(i, i % 3 == 1 ? TrialPhase.Failed : TrialPhase.Running)).ToList();
        var plan = PlanJob(job, trials, now: At(10));

        using var doc = JsonDocument.Parse(Json(plan.Status));
        var arrays = new List<string>();
        void Walk(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value, p.Name);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                arrays.Add(path);
            }
        }
        Walk(doc.RootElement, "");
        Assert.All(arrays, a => Assert.Contains(a, new[] { "conditions", "retainedCheckpoints" }));
        Assert.InRange(plan.Status.Conditions!.Count, 1, 16);
        var best = plan.Status.BestTrial!.Name;
        Assert.Equal("sweep-39", best);
        foreach (var t in trials.Where(t => t.Metadata.Name != best))
        {
            Assert.DoesNotContain($"\"{t.Metadata.Name}\"", doc.RootElement.GetRawText());
        }

        Assert.Equal(40 + plan.TrialsToCreate.Count, plan.Status.Trials!.Total);
    }

    [Theory]
    [InlineData(AlgorithmName.Random)]
    [InlineData(AlgorithmName.Sobol)]
    [InlineData(AlgorithmName.Tpe)]
    [InlineData(AlgorithmName.Grid)]
    public void Same_input_gives_the_identical_plan(AlgorithmName algorithm)
    {
        FineTuneJob Make() => Started(s =>
        {
            s.Algorithm = new AlgorithmSpec { Name = algorithm, Seed = 42 };
            s.SearchSpace = algorithm == AlgorithmName.Grid ? s.SearchSpace : null;
            s.Budget = new BudgetSpec { Parallelism = 4, MaxTrials = 20 };
        });
        var trials = new[] { Done(0, 0.7), InPhase(1, TrialPhase.Running), Done(2, 0.8) };
        var a = PlanJob(Make(), trials.Select(Clone).ToList(), now: At(10));
        var b = PlanJob(Make(), trials.Select(Clone).ToList(), now: At(10));
        Assert.Equal(Json(a), Json(b));
        if (algorithm != AlgorithmName.Grid)
        {
            Assert.NotEmpty(a.TrialsToCreate); // the 3-point grid is used up
        }
    }

    [Fact]
    public void WithPromotion_sets_the_promoted_uri_sha_and_condition()
    {
        var job = Started();
        var trials = new[] { Done(0, 0.5), Done(1, 0.9), Done(2, 0.7) };
        var plan = PlanJob(job, trials, now: At(30));
        Assert.True(plan.PromoteBest);

        var retained = new List<RetainedCheckpoint> { new() { Trial = "sweep-1", Objective = 0.9, Uri = "file:///x/1" } };
        var promoted = JobPlanner.WithPromotion(plan.Status, new PromotionResult(true, "/ckpt/ml/sweep/best", "abc123", retained), 1, At(31));
        Assert.Equal("/ckpt/ml/sweep/best", promoted.BestTrial!.PromotedUri);
        Assert.Equal("abc123", promoted.BestTrial.Sha256);
        Assert.Equal("sweep-1", promoted.BestTrial.Name);
        Assert.Equal(retained, promoted.RetainedCheckpoints);
        var c = Cond(promoted, ConditionTypes.CheckpointPromoted)!;
        Assert.Equal("True", c.Status);
        Assert.Equal(ConditionReasons.Promoted, c.Reason);
        Assert.Equal(At(31), c.LastTransitionTime);
        Assert.Null(plan.Status.BestTrial!.PromotedUri); // the input is not changed

        // Promoted: the next plan keeps the promotion and does not promote again.
        var after = Clone(job);
        after.Status = promoted;
        var again = PlanJob(after, trials, now: At(32));
        Assert.False(again.PromoteBest);
        Assert.Equal("abc123", again.Status.BestTrial!.Sha256);
        Assert.Equal("True", Cond(again.Status, ConditionTypes.CheckpointPromoted)!.Status);

        var failed = JobPlanner.WithPromotion(plan.Status, new PromotionResult(false, null, null, null, "disk full"), 1, At(31));
        Assert.Equal(ConditionReasons.PromotionFailed, Cond(failed, ConditionTypes.CheckpointPromoted)!.Reason);
        Assert.Equal("disk full", Cond(failed, ConditionTypes.CheckpointPromoted)!.Message);
        Assert.Null(failed.BestTrial!.PromotedUri);
    }

    [Fact]
    public void Replanning_a_steady_state_changes_nothing_but_lastTransitionTimes_stay()
    {
        var job = Started();
        var trials = new[] { InPhase(0, TrialPhase.Running), InPhase(1, TrialPhase.Running) };
        var first = PlanJob(job, trials, now: At(3));
        var second = PlanJob(After(job, first), trials, now: At(4));
        Assert.Empty(second.TrialsToCreate);
        Assert.Empty(second.Events);
        Assert.Equal(Json(first.Status), Json(second.Status));
    }
}
