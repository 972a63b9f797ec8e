using ClusterTune.Api;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using k8s;
using k8s.Models;
using static ClusterTune.Operator.Planning.ApiCopy;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Decides one reconcile of a Trial from its pods: start the next attempt, stop, pause, enforce the deadline and
/// heartbeat, read the result from the termination message, and retry infrastructure failures (never user failures,
/// OOM only with retryOnOom). Pure: the reconciler acts on the plan.
/// </summary>
public static partial class TrialPlanner
{
    /// <summary>How often a retry held by spec.suspend checks whether the job was resumed.</summary>
    public static readonly TimeSpan SuspendedRetryCheck = TimeSpan.FromSeconds(3);

    /// <summary>Plans the reconcile of <paramref name="input"/>'s trial.</summary>
    public static TrialPlan Plan(TrialPlanInput input)
    {
        var trial = input.Trial;
        var old = trial.Status ?? new TrialStatus();
        var phase = old.Phase ?? TrialPhase.Pending;
        var now = input.Now;
        var attempts = old.Attempts ?? 0;
        var jobName = trial.Spec.JobName;
        var current = old.PodName is { } podName ? input.Pods.FirstOrDefault(p => p.Metadata.Name == podName) : null;
        // A pod created just before a crash, before the status recorded it: adopt it.
        var next = input.Pods.FirstOrDefault(p => p.Metadata.Name == ResourceNames.Pod(jobName, trial.Spec.Index, attempts + 1));
        // The first attempt's pod is not recorded alone (Pending only mirrors it, see Deferred): adopt it the same way.
        if (next is not null)
        {
            attempts++;
            current = next;
            old = trial.Status?.Phase is null
                ? Started(old, trial, attempts, next.Metadata.Name!, TrialReasons.PodCreated)
                : With(old, s => { s.Attempts = attempts; s.PodName = next.Metadata.Name; });
        }

        var events = new List<PlannedEvent>();
        if (TrialPhases.IsEnded(phase))
        {
            return Finished(input, old, trial.Status);
        }

        var stopRequested = trial.Spec.Stop == true || input.JobEnded;
        var maxResource = input.Spec.MaxResource;
        var budget = trial.Spec.Epochs ?? maxResource;
        var epoch = old.Epoch ?? 0;

        if (phase == TrialPhase.Paused)
        {
            if (stopRequested)
            {
                return Plan(End(old, TrialPhase.EarlyStopped, input.JobEnded ? TrialReasons.JobEnded : TrialReasons.EarlyStopped,
                    $"stopped while paused at epoch {epoch}", now), trial.Status, null, null, false, events, null);
            }

            if (budget > epoch && !input.JobSuspended && (current is null || PodOutcome.Of(current).Ended))
            {
                return StartAttempt(input, old, attempts, events, resumed: true);
            }

            return Plan(old, trial.Status, null, null, false, events, null);
        }

        if (current is null)
        {
            // A pod the operator deleted on purpose (deadline, heartbeat, stuck, rung pause) can vanish before its
            // terminated status is seen: finish it as the SIGTERMed pod it was, so the deletion's purpose decides.
            if (old.PodName is not null && phase == TrialPhase.Running && !stopRequested
                && (old.Reason is TrialReasons.DeadlineExceeded or TrialReasons.HeartbeatTimeout or TrialReasons.StuckTerminating or TrialReasons.Suspended || (budget < maxResource && epoch >= budget)))
            {
                return Finish(input, old, attempts, new V1Pod { Metadata = new V1ObjectMeta { Name = old.PodName } },
                    new PodOutcome(PodOutcomeState.Failed, PodOutcome.StoppedExitCode, null, $"pod {old.PodName} was deleted", null, null, null),
                    stopRequested, budget, maxResource, events);
            }

            var lostRunning = old.PodName is not null && phase is TrialPhase.Running or TrialPhase.Pending;
            if (lostRunning && !stopRequested && phase == TrialPhase.Running)
            {
                return Retry(input, old, attempts, TrialReasons.PodDeleted, $"pod {old.PodName} disappeared while the trial was running", null, events);
            }

            if (stopRequested)
            {
                return Plan(End(old, TrialPhase.EarlyStopped, input.JobEnded ? TrialReasons.JobEnded : TrialReasons.EarlyStopped,
                    phase == TrialPhase.Running ? $"stopped at epoch {epoch}; pod {old.PodName} was deleted before it reported a result" : "stopped before its pod started", now),
                    trial.Status, null, null, false, events, null);
            }

            if (input.JobSuspended)
            {
                return Plan(old, trial.Status, null, null, false, events, null);
            }
            // A pod not seen since we created it may only be late (a cache, or even a read, behind our own create):
            // create the same attempt's pod again. If it exists the create is a no-op (409), if it was deleted before
            // it started this replaces it; neither costs an attempt or makes a second pod.
            if (lostRunning)
            {
                return Plan(old, trial.Status, attempts, null, false, events, TimeSpan.FromSeconds(2));
            }

            return StartAttempt(input, old, attempts, events, resumed: false);
        }

        var outcome = PodOutcome.Of(current);
        var deleting = current.Metadata.DeletionTimestamp is not null;
        switch (outcome.State)
        {
            case PodOutcomeState.Waiting or PodOutcomeState.Running:
                {
                    if (deleting)
                    {
                        var since = now - current.Metadata.DeletionTimestamp!.Value;
                        var grace = TimeSpan.FromSeconds(current.Metadata.DeletionGracePeriodSeconds ?? 0);
                        if (since > input.StuckTerminatingTimeout + grace)
                        {
                            var s = With(old, x => { x.Reason = stopRequested ? x.Reason : TrialReasons.StuckTerminating; x.Message = $"pod {current.Metadata.Name} was Terminating for {since.TotalSeconds:0} s"; });
                            return Plan(s, trial.Status, null, current.Metadata.Name, true, events, TimeSpan.FromSeconds(2));
                        }
                        return Plan(old, trial.Status, null, null, false, events, input.StuckTerminatingTimeout + grace - since);
                    }

                    if (outcome.ImagePullFailed)
                    {
                        var failed = End(old, TrialPhase.Failed, TrialReasons.ImagePullFailed, $"{outcome.Reason}: {outcome.Message}", now);
                        events.Add(new(EventTypes.Warning, EventReasons.TrialFailed, $"image of pod {current.Metadata.Name} cannot be pulled: {outcome.Message}", trial.Metadata.Name));
                        return Plan(failed, trial.Status, null, current.Metadata.Name, false, events, null);
                    }

                    // A pod no node can ever fit (cpu: 1000000) would keep the trial, and the job, Pending forever.
                    var unschedulable = outcome.State == PodOutcomeState.Waiting ? PodScheduling.Unschedulable(current, now, input.UnschedulableTimeout) : null;
                    if (unschedulable is { Expired: true } u)
                    {
                        var message = $"pod {current.Metadata.Name} could not be scheduled for {(now - u.Since).TotalMinutes:0.#} min (limit {input.UnschedulableTimeout.TotalMinutes:0.#} min): {Trim(u.Message)}; " +
                            "lower spec.trainer.resources, fix nodeSelector/tolerations, or add nodes that fit";
                        events.Add(new(EventTypes.Warning, EventReasons.TrialFailed, message, trial.Metadata.Name));
                        return Plan(End(old, TrialPhase.Failed, TrialReasons.Unschedulable, message, now), trial.Status, null, current.Metadata.Name, false, events, null);
                    }

                    var s2 = old;
                    if (outcome.State == PodOutcomeState.Running && phase != TrialPhase.Running)
                    {
                        s2 = With(old, x =>
                        {
                            x.Phase = TrialPhase.Running;
                            x.StartTime ??= outcome.StartedAt ?? now;
                            x.Reason = TrialReasons.PodRunning;
                            x.Message = $"pod {current.Metadata.Name} is running (attempt {attempts})";
                        });
                        // A first attempt starting is routine (status says PodRunning); a later attempt is news.
                        if (attempts > 1)
                        {
                            events.Add(new(EventTypes.Normal, EventReasons.TrialStarted, $"pod {current.Metadata.Name} started (attempt {attempts})", trial.Metadata.Name));
                        }
                    }

                    var why = StopReason(input, s2, outcome, stopRequested, budget, maxResource, epoch);
                    if (why is { } w)
                    {
                        var s3 = w.Reason is null ? s2 : With(s2, x => { x.Reason = w.Reason; x.Message = w.Message; });
                        if (w.Event is { } ev)
                        {
                            events.Add(ev with { TrialName = trial.Metadata.Name });
                        }

                        return Plan(s3, trial.Status, null, current.Metadata.Name, false, events, input.StuckTerminatingTimeout);
                    }

                    var check = NextCheck(input, s2, outcome);
                    if (unschedulable is { } pending && (check is null || pending.Remaining < check))
                    {
                        check = pending.Remaining + TimeSpan.FromMilliseconds(100);
                    }

                    var mirrored = outcome.State == PodOutcomeState.Running ? s2.StartTime : current.Metadata.CreationTimestamp;
                    return Deferred(Plan(s2, trial.Status, null, null, false, events, check), input, mirrored ?? now);
                }

            default:
                return Finish(input, old, attempts, current, outcome, stopRequested, budget, maxResource, events);
        }
    }

    private static TrialPlan Finish(TrialPlanInput input, TrialStatus old, int attempts, V1Pod pod, PodOutcome outcome, bool stopRequested,
        int budget, int maxResource, List<PlannedEvent> events)
    {
        var trial = input.Trial;
        var now = input.Now;
        var gpus = input.Spec.Trainer.Resources?.GpuCount() ?? 0;
        var ran = outcome.StartedAt is { } a && outcome.FinishedAt is { } b && b > a ? (b - a).TotalSeconds : 0;
        var result = outcome.Result;
        var s = With(old, x =>
        {
            x.StartTime ??= outcome.StartedAt;
            x.GpuSeconds = Math.Round((x.GpuSeconds ?? 0) + gpus * ran, 3);
            if (result is null)
            {
                return;
            }

            x.Epoch = Math.Max(x.Epoch ?? 0, result.Epoch);
            if (result.Objective is { } o && double.IsFinite(o))
            {
                x.Objective = o;
            }

            x.Metrics = result.Metrics.Where(m => double.IsFinite(m.Value)).Take(32).ToDictionary(m => m.Key, m => m.Value);
            x.CheckpointUri = result.BestCheckpoint ?? x.CheckpointUri;
            x.LastCheckpointUri = result.LastCheckpoint ?? x.LastCheckpointUri;
            if (result.TrainableParameters > 0)
            {
                x.TrainableParameters = result.TrainableParameters;
            }

            if (result.TrainableFraction is > 0 and <= 1)
            {
                x.TrainableFraction = result.TrainableFraction;
            }
            // The final epoch's value is a rung observation too, so stopping rules work for trainers whose OTLP
            // points were lost (or that send none).
            if (input.Spec.Metric is var metric && result.Metrics.TryGetValue(metric, out var last) && double.IsFinite(last) && result.Epoch > 0)
            {
                x.Observations = TrialObservations.Merge(x.Observations, [new Observation { Epoch = result.Epoch, Step = result.Step, Value = last }]);
            }
            // The result's own curve fills epochs whose OTLP points were lost; what is still missing is said in status.
            if (result.Observations is { Count: > 0 } curve)
            {
                x.Observations = TrialObservations.Merge(x.Observations, curve.Where(o => o.Epoch <= result.Epoch));
            }

            x.CurveGaps = CurveGaps.Describe(x.Observations, x.Epoch ?? 0);
        });
        // News only when the OTLP stream missed epochs the result has (every trial's final result comes this way).
        if (result is not null && result.Epoch > (old.Epoch ?? 0))
        {
            events.Add(new(EventTypes.Normal, EventReasons.ResultRecovered,
                $"epochs {(old.Epoch ?? 0) + 1}–{result.Epoch} read from the termination message of pod {pod.Metadata.Name}: their OTLP points did not arrive", trial.Metadata.Name));
        }

        var epoch = s.Epoch ?? 0;
        var name = trial.Metadata.Name;
        var detail = result?.Message ?? outcome.Message;
        string Why(string what) => detail is null ? what : $"{what}: {Trim(detail)}";

        if (old.Reason == TrialReasons.InvalidObjective)
        {
            return Fail(TrialReasons.InvalidObjective, old.Message ?? "the objective was not finite");
        }

        if (stopRequested && outcome.State != PodOutcomeState.Succeeded)
        {
            // The decision was the event (TrialStopped on the job, with its reason); the outcome is the trial's status.
            var reason = input.JobEnded ? TrialReasons.JobEnded : TrialReasons.EarlyStopped;
            return Plan(End(s, TrialPhase.EarlyStopped, reason, $"stopped at epoch {epoch} ({reason})", now), trial.Status, null, null, false, events, null);
        }
        if (TrialSuspension.Pauses(old, outcome, epoch, budget))
        {
            events.Add(new(EventTypes.Normal, EventReasons.TrialPaused, $"paused at epoch {epoch} (job suspended); checkpoint {s.LastCheckpointUri}", name));
            return Plan(TrialSuspension.Paused(s, epoch), trial.Status, null, null, false, events, null);
        }

        if (old.Reason == TrialReasons.DeadlineExceeded)
        {
            return Fail(TrialReasons.DeadlineExceeded, old.Message ?? "the trial deadline passed");
        }

        if (old.Reason == TrialReasons.HeartbeatTimeout)
        {
            return Retry(input, s, attempts, TrialReasons.HeartbeatTimeout, old.Message ?? "no metrics", pod, events);
        }

        if (old.Reason == TrialReasons.StuckTerminating)
        {
            return Retry(input, s, attempts, TrialReasons.StuckTerminating, old.Message ?? "stuck Terminating", pod, events);
        }

        var reachedBudget = epoch >= budget;
        if (budget < maxResource && reachedBudget && (outcome.State == PodOutcomeState.Succeeded || outcome.ExitCode == PodOutcome.StoppedExitCode))
        {
            // Every trial pauses at every rung it reaches: routine, so status only; the job's TrialPromoted is the news.
            var paused = With(s, x => { x.Phase = TrialPhase.Paused; x.Reason = TrialReasons.PausedAtRung; x.Message = $"paused after {epoch} epochs, waiting for promotion"; });
            return Plan(paused, trial.Status, null, null, false, events, null);
        }

        if (outcome.State == PodOutcomeState.Succeeded)
        {
            if (s.Objective is null || result?.Objective is { } ro && !double.IsFinite(ro))
            {
                return Fail(TrialReasons.InvalidObjective, $"pod {pod.Metadata.Name} exited 0 but reported no finite objective {input.Spec.Metric}");
            }

            // Routine: the status says it, and a better result is the job's BestTrialChanged.
            return Plan(End(s, TrialPhase.Succeeded, TrialReasons.Completed, $"completed {epoch} epochs", now), trial.Status, null, null, false, events, null);
        }

        if (outcome.ImagePullFailed)
        {
            return Fail(TrialReasons.ImagePullFailed, $"image of pod {pod.Metadata.Name} cannot be pulled ({outcome.Reason}): {outcome.Message}");
        }

        switch (outcome.Reason)
        {
            case "Evicted":
                return Retry(input, s, attempts, TrialReasons.Evicted, Why($"pod {pod.Metadata.Name} was evicted"), pod, events);
            case "NodeLost" or "NodeShutdown" or "Terminated" or "NodeAffinity" or "NodeRestarted" or "ContainerStatusUnknown":
                return Retry(input, s, attempts, TrialReasons.NodeLost, Why($"the node of pod {pod.Metadata.Name} was lost"), pod, events);
            case PodOutcome.OomKilled:
                return input.Spec.RetryPolicy.RetryOnOom == true
                    ? Retry(input, s, attempts, TrialReasons.OutOfMemory, Why("out of memory (retryOnOom)"), pod, events)
                    : Fail(TrialReasons.OutOfMemory, Why($"pod {pod.Metadata.Name} was OOM-killed; raise trainer.resources.limits.memory or lower trainer.batchSize (retryPolicy.retryOnOom retries it unchanged)"));
        }

        if (outcome.ExitCode == PodOutcome.StoppedExitCode)
        {
            return Retry(input, s, attempts, TrialReasons.PodDeleted, Why($"pod {pod.Metadata.Name} was terminated by SIGTERM the operator did not send (drain or preemption)"), pod, events);
        }
        // A SIGKILL that was neither ours nor a memory limit's (the node reports those as OOMKilled): kill -9 from
        // outside, an infrastructure fault like an eviction, so the attempt is retried from its last checkpoint.
        if (outcome.ExitCode == PodOutcome.KilledExitCode)
        {
            return Retry(input, s, attempts, TrialReasons.Killed, Why($"pod {pod.Metadata.Name} was {outcome.DescribeExit()} that the operator did not send"), pod, events);
        }

        if (outcome.ExitCode == PodOutcome.StorageErrorExitCode)
        {
            return Retry(input, s, attempts, TrialReasons.CheckpointWriteFailed, Why($"pod {pod.Metadata.Name} could not write its checkpoint (exit {PodOutcome.StorageErrorExitCode})"), pod, events);
        }

        if (outcome.ExitCode == 2)
        {
            return Fail(TrialReasons.InvalidConfig, Why("the trainer rejected its input (exit 2)"));
        }

        if (detail is not null && detail.Contains("maxTrainableParamsFraction", StringComparison.Ordinal))
        {
            return Fail(TrialReasons.ConstraintViolated, Why("constraint violated"));
        }

        return Fail(TrialReasons.TrainerError, Why(outcome.ExitCode is null ? $"pod {pod.Metadata.Name} failed with {outcome.DescribeExit()}" : $"the trainer was {outcome.DescribeExit()}"));

        TrialPlan Fail(string reason, string message)
        {
            events.Add(new(EventTypes.Warning, EventReasons.TrialFailed, message, name));
            return Plan(End(s, TrialPhase.Failed, reason, message, now), trial.Status, null, null, false, events, null);
        }
    }

    private static TrialPlan StartAttempt(TrialPlanInput input, TrialStatus old, int attempts, List<PlannedEvent> events, bool resumed)
    {
        var trial = input.Trial;
        var next = attempts + 1;
        var pod = ResourceNames.Pod(trial.Spec.JobName, trial.Spec.Index, next);
        var resuming = resumed || old.Phase == TrialPhase.Paused;
        if (resuming)
        {
            events.Add(new(EventTypes.Normal, EventReasons.TrialResumed, $"resuming from {old.LastCheckpointUri} as pod {pod} until epoch {trial.Spec.Epochs}", trial.Metadata.Name));
        }
        // Events are for what a person may want to know, and each is an API write: the first pod of a trial is routine
        // (its status says PodCreated); a retry's or a resume's pod is news.
        if (next > 1)
        {
            events.Add(new(EventTypes.Normal, EventReasons.PodCreated, $"created pod {pod} (attempt {next})", trial.Metadata.Name));
        }

        var s = Started(old, trial, next, pod, resuming && old.Reason != TrialReasons.Suspended ? TrialReasons.Promoted : TrialReasons.PodCreated);
        return Deferred(Plan(s, trial.Status, next, null, false, events, null), input, input.Now);
    }

    private static TrialStatus Started(TrialStatus old, Trial trial, int attempt, string pod, string reason) => With(old, x =>
    {
        x.Phase = TrialPhase.Pending;
        x.Attempts = attempt;
        x.PodName = pod;
        x.Seed = trial.Spec.Seed;
        x.Lineage = PbtLineage.With(x.Lineage, trial.Spec.Exploit);
        x.Reason = reason;
        x.Message = $"pod {pod} created (attempt {attempt})";
    });

    /// <summary>
    /// A status that only mirrors the pod — Pending (PodCreated) or Running (PodRunning), with the attempt's bookkeeping —
    /// is progress, not a decision: the pod outlives a crash and its deterministic name is adopted above, so nothing is
    /// lost unwritten. It is written alone only once it has lasted <see cref="TrialPlanInput.ProgressInterval"/> since
    /// <paramref name="since"/>; until then the trial's next write carries it (its observations' flush, or its end), so
    /// an attempt shorter than the interval costs one status write, not three. A plan with events writes at once.
    /// </summary>
    private static TrialPlan Deferred(TrialPlan plan, TrialPlanInput input, DateTimeOffset since)
    {
        var wait = since + input.ProgressInterval - input.Now;
        if (plan.Status is not { } status || plan.Events.Count > 0 || wait <= TimeSpan.Zero || !MirrorsPod(status, input.Trial.Status))
        {
            return plan;
        }

        return plan with { Status = null, Progress = status, RequeueAfter = plan.RequeueAfter is { } r && r < wait ? r : wait };
    }

    private static bool MirrorsPod(TrialStatus desired, TrialStatus? stored)
    {
        if (desired.Phase is not (TrialPhase.Pending or TrialPhase.Running) || desired.Reason is not (TrialReasons.PodCreated or TrialReasons.PodRunning))
        {
            return false;
        }

        var rest = With(desired, x =>
        {
            x.Phase = stored?.Phase;
            x.Reason = stored?.Reason;
            x.Message = stored?.Message;
            x.StartTime = stored?.StartTime;
            x.Attempts = stored?.Attempts;
            x.PodName = stored?.PodName;
            x.Seed = stored?.Seed;
            x.Lineage = stored?.Lineage;
        });
        return Changed(rest, stored ?? new TrialStatus()) is null;
    }

    private static TrialPlan Retry(TrialPlanInput input, TrialStatus s, int attempts, string reason, string message, V1Pod? pod, List<PlannedEvent> events)
    {
        var trial = input.Trial;
        // Each promotion adds one planned pod, so the failure allowance is per rung.
        var allowed = TrialSuspension.AllowedAttempts(input.Spec, trial, s);
        if (attempts >= allowed)
        {
            var m = $"{message}; {attempts} attempt(s) used, retryPolicy.maxAttempts is {input.Spec.RetryPolicy.MaxAttempts}";
            events.Add(new(EventTypes.Warning, EventReasons.TrialFailed, m, trial.Metadata.Name));
            return Plan(End(With(s, x => x.Reason = reason), TrialPhase.Failed, TrialReasons.RetriesExhausted, m, input.Now), trial.Status, null, null, false, events, null);
        }

        if (input.JobEnded || trial.Spec.Stop == true)
        {
            var reason2 = input.JobEnded ? TrialReasons.JobEnded : TrialReasons.EarlyStopped;
            return Plan(End(s, TrialPhase.EarlyStopped, reason2, $"{message}; not retried because the trial was stopped", input.Now), trial.Status, null, null, false, events, null);
        }

        if (input.JobSuspended)
        {
            // No new attempt while suspended. The status is the one read (plus why), so the failed pod is finished
            // again, with its GPU time counted once, when spec.suspend is cleared; a job edit does not wake a trial,
            // so it looks again after SuspendedRetryCheck (a read, no write).
            var waiting = $"{message}; the retry waits until spec.suspend is false";
            var held = With(trial.Status ?? s, x => { x.Reason = reason; x.Message = waiting; });
            if (trial.Status?.Message != waiting)
            {
                events.Add(new(EventTypes.Warning, EventReasons.TrialRetried, waiting, trial.Metadata.Name));
            }

            return Plan(held, trial.Status, null, null, false, events, SuspendedRetryCheck);
        }

        // A failure of the trainer itself (killed from outside, a checkpoint it could not write, an OOM retried) waits
        // retryPolicy.backoff from the pod's end, doubled per attempt used, so a full disk or a node under memory
        // pressure does not use up every attempt in seconds; a pod taken away (evicted, node lost, preempted, deleted,
        // stuck, silent) is retried at once.
        var backoff = input.Spec.RetryBackoff(attempts);
        var retryAt = TrialReasons.RetriedAfterBackoff.Contains(reason) && pod is not null ? PodOutcome.Of(pod).FinishedAt + backoff : null;
        var waitingPrefix = $"{message}; retrying as attempt {attempts + 1} at ";
        if (retryAt is { } at && input.Now < at)
        {
            // Like the suspended hold: the status read plus why, so the failed pod is finished again when the wait ends.
            var waiting = $"{waitingPrefix}{at.UtcDateTime:HH:mm:ss} UTC ({(backoff < TimeSpan.FromSeconds(1) ? $"{backoff.TotalMilliseconds:0}ms" : GoDuration.Format(backoff))} after it ended, retryPolicy.backoff)";
            var held = With(trial.Status ?? s, x => { x.Reason = reason; x.Message = waiting; });
            if (trial.Status?.Message != waiting)
            {
                events.Add(new(EventTypes.Warning, EventReasons.TrialRetried, waiting, trial.Metadata.Name));
            }

            return Plan(held, trial.Status, null, null, false, events, at - input.Now);
        }

        // A trainer killed before it wrote its termination message leaves last/ on the shared volume unrecorded:
        // resume from the newest checkpoint there that its manifest verifies instead of from epoch 0.
        if (s.LastCheckpointUri is null && input.FindCheckpoint?.Invoke() is { } found)
        {
            s = With(s, x => x.LastCheckpointUri = found);
            message = $"{message}; resuming from {found} found on the checkpoint volume";
        }

        // After a wait its TrialRetried was recorded when the wait began; the new pod's PodCreated tells the rest.
        if (trial.Status?.Message?.StartsWith(waitingPrefix, StringComparison.Ordinal) != true)
        {
            events.Add(new(EventTypes.Warning, EventReasons.TrialRetried, $"{message}; retrying as attempt {attempts + 1}", trial.Metadata.Name));
        }

        var plan = StartAttempt(input, s, attempts, events, resumed: false);
        var status = With(plan.Status ?? s, x => { x.Reason = reason; x.Message = $"{message}; retrying as attempt {attempts + 1}"; });
        return plan with { Status = Changed(status, trial.Status) };
    }

    private static TrialPlan Finished(TrialPlanInput input, TrialStatus status, TrialStatus? original)
    {
        var running = input.Pods.FirstOrDefault(p => p.Metadata.DeletionTimestamp is null && PodOutcome.Of(p).State is PodOutcomeState.Running or PodOutcomeState.Waiting);
        return Plan(status, original, null, running?.Metadata.Name, false, [], null);
    }

    private static TrialStatus End(TrialStatus s, TrialPhase phase, string reason, string message, DateTimeOffset now) => With(s, x =>
    {
        x.Phase = phase;
        x.Reason = reason;
        x.Message = message;
        x.CompletionTime ??= now;
    });

    private static TrialPlan Plan(TrialStatus desired, TrialStatus? original, int? create, string? delete, bool force, List<PlannedEvent> events, TimeSpan? requeue) =>
        new(Changed(desired, original), create, delete, force, events, requeue);

    private static TrialStatus? Changed(TrialStatus desired, TrialStatus? original) =>
        original is not null && System.Text.Json.JsonSerializer.Serialize(desired, ApiJson.Options) == System.Text.Json.JsonSerializer.Serialize(original, ApiJson.Options)
            ? null
            : desired;

    private static string Trim(string text) => text.Length <= 512 ? text : text[..512] + "…";
}
