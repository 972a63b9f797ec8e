using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Decides one reconcile of a FineTuneJob: validation, new trials up to the parallelism, early stops, promotions,
/// sweep-level stops and budgets, the best trial and the status. Pure: the reconciler acts on the plan.
/// </summary>
public static class JobPlanner
{
    /// <summary>How often a sweep with running GPU trials or a wall-clock budget is re-examined without any event.</summary>
    public static readonly TimeSpan BudgetRecheck = TimeSpan.FromSeconds(15);

    /// <summary>Most trials created by one reconcile: a wide parallelism ramps up in batches, not as one burst of pods.</summary>
    public const int MaxTrialCreatesPerReconcile = 20;

    /// <summary>How soon a reconcile that hit <see cref="MaxTrialCreatesPerReconcile"/> comes back for the next batch.</summary>
    public static readonly TimeSpan NextCreateBatch = TimeSpan.FromSeconds(1);

    /// <summary>Plans the reconcile of <paramref name="input"/>'s job.</summary>
    public static JobPlan Plan(JobPlanInput input)
    {
        var job = input.Job;
        var now = input.Now;
        var gen = job.Metadata.Generation;
        var old = job.Status ?? new FineTuneJobStatus();
        var status = ApiCopy.Clone(old);
        status.ObservedGeneration = gen;
        var events = new List<PlannedEvent>();
        var conditions = old.Conditions;

        var spec = FineTuneJobDefaults.Apply(job.Spec);
        // Admission cannot know the operator's checkpoint root or its pod policy: a path outside the root, or a service
        // account or secret the policy refuses, fails here, with its field path.
        var errors = FineTuneJobValidator.Validate(job).Concat(CheckpointPaths.Check(spec, input.DefaultCheckpointRoot)).Concat(TrialPodPolicy.Check(job, input.Options)).ToList();
        var constraints = errors.Count == 0 ? TrainableFractionConstraint.Census(spec) : null;
        if (constraints is { Settings: > 0 } c && c.InfeasibleSettings == c.Settings)
        {
            errors.Add(new(TrainableFractionConstraint.FieldPath, c.Message!, "raise the fraction, allow a larger freezeDepth or a loraRank > 0"));
        }

        status.Constraints = constraints;
        if (errors.Count > 0)
        {
            var message = string.Join("; ", errors.Select(e => e.ToString()));
            if (Conditions.Find(conditions, ConditionTypes.Validated) is not { Status: "False" } prior || prior.Message != message)
            {
                events.Add(new PlannedEvent(EventTypes.Warning, EventReasons.SpecInvalid, message));
            }

            conditions = Set(conditions, ConditionTypes.Validated, false, ConditionReasons.SpecInvalid, message, gen, now);
            conditions = Set(conditions, ConditionTypes.Failed, true, ConditionReasons.SpecInvalid, "the spec is invalid; fix it and the sweep starts", gen, now);
            status.Conditions = conditions;
            status.Phase = FineTuneJobPhase.Failed;
            status.Message = message;
            status.Trials ??= TrialCounts.Count(input.Trials.Select(PhaseOf));
            return new JobPlan(spec, status, [], [], events, PromoteBest: false);
        }

        var direction = spec.Direction;
        conditions = Set(conditions, ConditionTypes.Validated, true, ConditionReasons.SpecValid, "the spec is valid", gen, now);
        // A spec fixed after SpecInvalid is no longer failed.
        if (Conditions.Find(conditions, ConditionTypes.Failed) is { Reason: ConditionReasons.SpecInvalid })
        {
            conditions = conditions.Where(c => c.Type != ConditionTypes.Failed).ToList();
        }

        if (old.StartTime is null)
        {
            status.StartTime = now;
            events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.SweepStarted,
                $"sweep started: {spec.AlgorithmName} search, up to {spec.MaxTrials} trials, {spec.Parallelism} at a time"));
        }

        var start = status.StartTime!.Value;
        var trials = input.Trials.OrderBy(t => t.Spec.Index).ToList();
        var gpuSeconds = trials.Sum(t => t.Status?.GpuSeconds ?? 0) + input.RunningGpuSeconds;
        status.GpuSecondsUsed = Math.Round(gpuSeconds, 3);
        status.GpuHoursRemaining = spec.Budget.MaxGpuHours is { } maxGpuHours ? Math.Round(Math.Max(0, maxGpuHours - gpuSeconds / 3600), 6) : null;

        var (best, seeds) = BestTrialSelector.Choose(trials, spec);
        status.BestTrial = BestOf(best, old.BestTrial);
        var front = ParetoSelector.Front(trials, spec);
        status.ParetoFront = front?.Take(FieldLimits.MaxParetoMembers).ToList();
        status.ParetoFrontSize = front?.Count;
        if (seeds is not null && status.BestTrial is { } bt)
        {
            (bt.ObjectiveMean, bt.ObjectiveStdDev, bt.Seeds) = (seeds.Mean, seeds.StdDev, seeds.Seeds);
        }

        if (best is not null && old.BestTrial?.Name != best.Metadata.Name)
        {
            events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.BestTrialChanged,
                $"best trial is now {best.Metadata.Name} ({spec.Metric} {Format(best.Status!.Objective!.Value)}, params {ParamsText(best.Spec.Params)})"));
        }

        var changes = new List<TrialSpecChange>();
        var creates = new List<Trial>();
        var terminal = Conditions.IsTrue(conditions, ConditionTypes.Complete) || Conditions.IsTrue(conditions, ConditionTypes.Failed);
        var promote = false;
        var batchCapped = false;

        if (terminal)
        {
            StopActive(trials, changes, events, alreadyStopping: []);
            promote = Conditions.IsTrue(conditions, ConditionTypes.Complete) && best is not null && status.BestTrial?.PromotedUri is null;
        }
        else if (JobControl.IsSuspended(job))
        {
            if (!Conditions.IsTrue(conditions, ConditionTypes.Suspended))
            {
                events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.SweepSuspended,
                    $"sweep suspended ({JobControl.SuspendMessage(job)}): no new trials start and running trials checkpoint and stop until spec.suspend is false"));
            }

            conditions = Set(conditions, ConditionTypes.Suspended, true, ConditionReasons.SuspendRequested, JobControl.SuspendMessage(job), gen, now);
            status.Phase = FineTuneJobPhase.Suspended;
        }
        else
        {
            if (Conditions.IsTrue(conditions, ConditionTypes.Suspended))
            {
                events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.SweepResumed, "sweep resumed"));
                conditions = Set(conditions, ConditionTypes.Suspended, false, ConditionReasons.Resumed, "spec.suspend is false", gen, now);
            }

            var space = SweepMapping.ToSearchSpace(spec);
            var warm = WarmStartHistory.Build(job, spec, space, input.WarmStart ?? []);
            status.WarmStart = warm.Status;
            conditions = WarmStartHistory.Report(warm, old.WarmStart, conditions, gen, now, events);
            var policy = new S.SweepPolicy(space, SweepMapping.ToSweepConfig(spec) with { Prior = warm.Prior });
            var history = trials.Select(t => SweepMapping.ToRecord(t, spec)).ToList();
            var active = history.Count(r => r.Status is S.TrialStatus.Pending or S.TrialStatus.Running);
            var free = Math.Max(0, spec.Parallelism - active);
            var capacity = Math.Min(free, MaxTrialCreatesPerReconcile);
            var decision = policy.Decide(PbtPlanner.KeepAlive(spec, history), now - start, gpuSeconds, capacity);
            batchCapped = capacity < free && decision.NewTrials.Count == capacity;

            // A new trial is routine, not an event: the Trial object (`kubectl get trials`) and the job's counts say it.
            creates.AddRange(PbtPlanner.FirstSegment(spec, decision.NewTrials).Select(n => NewTrial(job, spec, n)));

            var byIndex = trials.ToDictionary(t => t.Spec.Index);
            var stopping = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in decision.TrialsToStop)
            {
                if (!byIndex.TryGetValue(s.Index, out var t) || t.Spec.Stop == true)
                {
                    continue;
                }

                changes.Add(new TrialSpecChange(t.Metadata.Name!, Stop: true));
                stopping.Add(t.Metadata.Name!);
                events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.TrialStopped, $"trial {t.Metadata.Name} stopped: {s.Message}"));
            }

            foreach (var r in decision.TrialsToResume)
            {
                if (!byIndex.TryGetValue(r.Index, out var t))
                {
                    continue;
                }

                var epochs = (int)Math.Ceiling(r.Budget - 1e-9);
                if (t.Spec.Epochs is { } e && e >= epochs)
                {
                    continue;
                }

                changes.Add(new TrialSpecChange(t.Metadata.Name!, Epochs: epochs, ResumeFrom: t.Status?.LastCheckpointUri, Rung: (t.Spec.Rung ?? 0) + 1));
                events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.TrialPromoted,
                    $"trial {t.Metadata.Name} promoted to {epochs} epochs, resuming from {t.Status?.LastCheckpointUri ?? "its start"}"));
            }

            changes.AddRange(PbtPlanner.Plan(spec, trials, free - decision.NewTrials.Count, events));
            if (decision.Stop is { } stop)
            {
                conditions = Finish(conditions, stop, best is not null, gen, now, events);
                terminal = true;
                status.CompletionTime = now;
                StopActive(trials, changes, events, stopping);
                promote = best is not null && Conditions.IsTrue(conditions, ConditionTypes.Complete);
            }
            else
            {
                // Active, not only Running: a trial's Pending and Running are written late (they mirror its pod), and a
                // reason that flipped with them would be a decisive change, an extra status write per trial. The trials
                // this plan creates are starting too: else the reason flips to WaitingForTrials and back each time the
                // last running trials end together (two job status writes, 0.35 per trial in the scale bench).
                var started = history.Count(r => r.Status is S.TrialStatus.Running or S.TrialStatus.Pending) + decision.NewTrials.Count;
                conditions = Set(conditions, ConditionTypes.Running, true,
                    started > 0 ? ConditionReasons.TrialsRunning : ConditionReasons.WaitingForTrials,
                    started > 0 ? $"{started} trial(s) starting or running" : "waiting for trials to start", gen, now);
                conditions = Set(conditions, ConditionTypes.BudgetExhausted, false, ConditionReasons.WithinBudget, "within budget", gen, now);
                status.Phase = FineTuneJobPhase.Running;
            }
        }

        if (terminal)
        {
            status.Phase = Conditions.IsTrue(conditions, ConditionTypes.Complete) ? FineTuneJobPhase.Succeeded : FineTuneJobPhase.Failed;
            status.CompletionTime ??= now;
        }

        status.Conditions = conditions;
        var counts = TrialCounts.Count(trials.Select(PhaseOf).Concat(creates.Select(_ => TrialPhase.Pending)));
        status.Trials = counts;
        status.Message = Summary(counts, status.BestTrial, spec.Metric, status.Phase);
        TimeSpan? requeue = null;
        if (!terminal && (counts.Running + counts.Pending) > 0 && (spec.Trainer.Resources?.GpuCount() > 0 || spec.Budget.MaxDuration is not null))
        {
            requeue = BudgetRecheck;
        }

        if (batchCapped && !terminal)
        {
            requeue = NextCreateBatch;
        }

        return new JobPlan(spec, status, creates, changes, events, promote) { RequeueAfter = requeue };
    }

    /// <summary>The status after a promotion attempt: bestTrial.promotedUri/sha256 and the CheckpointPromoted condition.</summary>
    public static FineTuneJobStatus WithPromotion(FineTuneJobStatus status, PromotionResult result, long? generation, DateTimeOffset now)
    {
        var s = ApiCopy.Clone(status);
        if (result.Succeeded && s.BestTrial is { } best)
        {
            best.PromotedUri = result.PromotedUri;
            best.Sha256 = result.Sha256;
            s.RetainedCheckpoints = result.Retained?.ToList() ?? s.RetainedCheckpoints;
            s.Conditions = Set(s.Conditions, ConditionTypes.CheckpointPromoted, true, ConditionReasons.Promoted, $"best checkpoint promoted to {result.PromotedUri}", generation, now);
        }
        else
        {
            s.Conditions = Set(s.Conditions, ConditionTypes.CheckpointPromoted, false, ConditionReasons.PromotionFailed, result.Message ?? "promotion failed", generation, now);
        }
        return s;
    }

    private static void StopActive(List<Trial> trials, List<TrialSpecChange> changes, List<PlannedEvent> events, HashSet<string> alreadyStopping)
    {
        foreach (var t in trials)
        {
            if (t.Spec.Stop == true || alreadyStopping.Contains(t.Metadata.Name!))
            {
                continue;
            }

            if (TrialPhases.IsEnded(t.Status?.Phase))
            {
                continue;
            }

            changes.Add(new TrialSpecChange(t.Metadata.Name!, Stop: true));
            events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.TrialStopped, $"trial {t.Metadata.Name} stopped: the sweep has ended"));
        }
    }

    private static List<V1Condition> Finish(List<V1Condition>? conditions, S.SweepStop stop, bool haveBest, long? gen, DateTimeOffset now, List<PlannedEvent> events)
    {
        var reason = stop.Reason switch
        {
            S.SweepStopReason.TargetReached => ConditionReasons.ObjectiveTargetReached,
            S.SweepStopReason.NotImproving => ConditionReasons.NotImproving,
            S.SweepStopReason.MaxTrialsReached => ConditionReasons.MaxTrialsReached,
            S.SweepStopReason.MaxFailedTrialsReached => ConditionReasons.MaxFailedTrialsReached,
            S.SweepStopReason.MaxDurationReached => ConditionReasons.MaxDurationReached,
            S.SweepStopReason.MaxGpuHoursReached => ConditionReasons.MaxGpuHoursReached,
            _ => ConditionReasons.SearchSpaceExhausted,
        };
        var c = Set(conditions, ConditionTypes.Running, false, ConditionReasons.Finished, stop.Message, gen, now);
        if (reason is ConditionReasons.MaxTrialsReached or ConditionReasons.MaxDurationReached or ConditionReasons.MaxGpuHoursReached)
        {
            c = Set(c, ConditionTypes.BudgetExhausted, true, reason, stop.Message, gen, now);
            events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.BudgetExhausted, stop.Message));
        }
        else
        {
            c = Set(c, ConditionTypes.BudgetExhausted, false, ConditionReasons.WithinBudget, "the sweep ended within budget", gen, now);
        }

        if (reason == ConditionReasons.MaxFailedTrialsReached || !haveBest)
        {
            var failReason = reason == ConditionReasons.MaxFailedTrialsReached ? reason : ConditionReasons.NoSuccessfulTrial;
            var message = failReason == ConditionReasons.NoSuccessfulTrial ? $"{stop.Message}; no trial succeeded with a finite objective" : stop.Message;
            c = Set(c, ConditionTypes.Failed, true, failReason, message, gen, now);
            events.Add(new PlannedEvent(EventTypes.Warning, EventReasons.SweepFailed, message));
        }
        else
        {
            c = Set(c, ConditionTypes.Complete, true, reason, stop.Message, gen, now);
            c = Set(c, ConditionTypes.CheckpointPromoted, false, ConditionReasons.PromotionPending, "promoting the best checkpoint", gen, now);
            events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.SweepSucceeded, stop.Message));
        }
        return c;
    }

    private static Trial NewTrial(FineTuneJob job, EffectiveSpec spec, S.NewTrial n)
    {
        var name = ResourceNames.Trial(job.Metadata.Name!, n.Index);
        var staged = spec.EarlyStopping.Type is EarlyStoppingType.Asha or EarlyStoppingType.Hyperband;
        return new Trial
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = new Dictionary<string, string>
                {
                    [LabelKeys.Job] = job.Metadata.Name!,
                    [LabelKeys.Trial] = name,
                    [LabelKeys.TrialIndex] = n.Index.ToString(CultureInfo.InvariantCulture),
                    [LabelKeys.Shard] = JobShards.Label(job.Metadata.NamespaceProperty, job.Metadata.Name!),
                    [LabelKeys.ManagedBy] = LabelKeys.ManagedByValue,
                },
                OwnerReferences = [Owner(job)],
            },
            Spec = new TrialSpec
            {
                JobName = job.Metadata.Name!,
                Index = n.Index,
                Params = SweepMapping.ToParams(n.Params, spec),
                Epochs = Math.Max(1, (int)Math.Ceiling(n.Budget - 1e-9)),
                Rung = staged ? 0 : null,
                Bracket = spec.EarlyStopping.Type == EarlyStoppingType.Hyperband ? n.Bracket : null,
                Seed = n.Seed,
                RetryPolicy = spec.RetryPolicy,
            },
        };
    }

    /// <summary>The controller ownerReference of an object the job owns.</summary>
    public static V1OwnerReference Owner(FineTuneJob job) => ControllerReference(job, FineTuneJob.KindName);

    /// <summary>The controller ownerReference to <paramref name="owner"/> (garbage collection waits for the owned object).</summary>
    public static V1OwnerReference ControllerReference(k8s.IKubernetesObject<V1ObjectMeta> owner, string kind) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = kind,
        Name = owner.Metadata.Name!,
        Uid = owner.Metadata.Uid!,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static BestTrial? BestOf(Trial? best, BestTrial? previous)
    {
        if (best is null)
        {
            return null;
        }

        var same = previous?.Name == best.Metadata.Name && previous?.CheckpointUri == best.Status!.CheckpointUri;
        return new BestTrial
        {
            Name = best.Metadata.Name!,
            Index = best.Spec.Index,
            Params = best.Spec.Params,
            Objective = best.Status!.Objective,
            CheckpointUri = best.Status.CheckpointUri,
            PromotedUri = same ? previous!.PromotedUri : null,
            Sha256 = same ? previous!.Sha256 : null,
        };
    }

    private static TrialPhase PhaseOf(Trial t) => t.Status?.Phase ?? TrialPhase.Pending;

    private static List<V1Condition> Set(List<V1Condition>? conditions, string type, bool value, string reason, string message, long? gen, DateTimeOffset now) =>
        Conditions.Set(conditions, new V1Condition { Type = type, Status = value ? "True" : "False", Reason = reason, Message = message, ObservedGeneration = gen }, now);

    private static string Summary(TrialCounts c, BestTrial? best, string metric, FineTuneJobPhase? phase) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{phase}: {c.Succeeded} succeeded, {c.Running} running, {c.Pending} pending, {c.Paused} paused, {c.EarlyStopped} early-stopped, {c.Failed} failed of {c.Total}")
        + (best is null ? "" : $"; best {best.Name} {metric} {Format(best.Objective ?? double.NaN)}");

    internal static string Format(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    internal static string ParamsText(IReadOnlyDictionary<string, ParamValue> p) =>
        string.Join(", ", p.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}
