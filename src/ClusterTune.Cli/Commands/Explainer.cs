using System.Globalization;
using System.Text.RegularExpressions;
using ClusterTune.Api;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>
/// Says in plain words why a sweep (or one trial) is not progressing, from the objects alone: the job's conditions,
/// the trials' phases and reasons, their pods' scheduling and container states, and recent events. Pure, so every
/// diagnosis is a table-driven test.
/// </summary>
internal static partial class Explainer
{
    /// <summary>At most this many trials get their own lines; the rest are counted, so a 1000-trial grid stays readable.</summary>
    public const int MaxTrialLines = 20;

    private static readonly HashSet<string> ImagePullReasons = new(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName",
    };

    private static readonly HashSet<string> RetriedReasons = new(StringComparer.Ordinal)
    {
        TrialReasons.Evicted, TrialReasons.NodeLost, TrialReasons.StuckTerminating, TrialReasons.PodDeleted, TrialReasons.HeartbeatTimeout,
        TrialReasons.OutOfMemory, TrialReasons.Killed, TrialReasons.CheckpointWriteFailed,
    };

    /// <summary>
    /// The explanation, one finding per line (indented lines detail the one above). Pass the job's trials (or just the
    /// one trial being explained), their pods, and the events of the job, trials and pods.
    /// </summary>
    public static IReadOnlyList<string> Explain(FineTuneJob job, IReadOnlyList<Trial> trials, IReadOnlyList<V1Pod> pods, IReadOnlyList<Corev1Event> events, DateTimeOffset now)
    {
        var lines = new List<string>();
        var name = job.Metadata.Name ?? "?";
        var ns = job.Metadata.NamespaceProperty ?? "default";
        var status = job.Status;
        var conditions = status?.Conditions;
        var spec = Text.Defaulted(job.Spec);

        if (status is null || (status.Phase is null && (conditions is null || conditions.Count == 0)))
        {
            lines.Add($"job {name} has no status yet: the operator has not reconciled it; check that the ClusterTune operator is running and watches namespace {ns}");
        }
        else if (job.Metadata.Generation is { } gen && status.ObservedGeneration is { } seen && seen < gen)
        {
            lines.Add($"job {name}: the status describes generation {seen} but the spec is at generation {gen}: the operator has not processed the latest edit yet (is it running?)");
        }

        if (Conditions.Find(conditions, ConditionTypes.Validated) is { Status: ConditionStatus.False } invalid)
        {
            lines.Add($"job {name} does not run because its spec is invalid (Validated=False, {invalid.Reason}); no trials are created until every error is fixed:");
            foreach (var error in SplitFieldErrors(invalid.Message))
            {
                lines.Add($"  {error}");
            }

            return lines;
        }

        var suspended = job.Spec.Suspend == true || Conditions.IsTrue(conditions, ConditionTypes.Suspended);
        if (suspended)
        {
            lines.Add($"job {name} is suspended (spec.suspend: true): no new trials start and running ones are paused; resume with: " +
                      $"kubectl patch finetunejob {name} -n {ns} --type merge -p '{{\"spec\":{{\"suspend\":false}}}}'");
        }

        var ended = false;
        if (Conditions.Find(conditions, ConditionTypes.Failed) is { Status: ConditionStatus.True } failed)
        {
            ended = true;
            lines.Add($"job {name} failed ({failed.Reason}): {failed.Message}{FailedHint(failed.Reason, spec, status)}");
        }
        else if (Conditions.Find(conditions, ConditionTypes.Complete) is { Status: ConditionStatus.True } complete)
        {
            ended = true;
            var best = status?.BestTrial is { } b ? $"; best trial {b.Name} ({spec.Objective?.Metric ?? "objective"} {Text.Number(b.Objective)})" : "";
            lines.Add($"job {name} is complete ({complete.Reason}): {complete.Message}{best}; nothing more will run");
        }

        if (Conditions.Find(conditions, ConditionTypes.BudgetExhausted) is { Status: ConditionStatus.True } budget)
        {
            lines.Add($"budget exhausted ({budget.Reason}): {budget.Message}{BudgetHint(budget.Reason, spec, status, now)}");
        }

        lines.AddRange(SearchNotes(job, trials));

        if (ended && Conditions.Find(conditions, ConditionTypes.CheckpointPromoted) is { Status: ConditionStatus.False } promotion)
        {
            lines.Add(promotion.Reason == ConditionReasons.PromotionFailed
                ? $"the best checkpoint was not promoted ({promotion.Reason}): {promotion.Message}; check that the operator can write spec.checkpoints.promotePath"
                : $"the best checkpoint is not promoted yet ({promotion.Reason}): {promotion.Message}");
        }

        var ctx = new TrialContext(spec, pods, events, now, ended, suspended);
        var healthy = new List<string>();
        var succeeded = 0;
        var stoppedEarly = new List<string>();
        var detailed = 0;
        var omitted = 0;
        foreach (var trial in trials.OrderBy(t => t.Spec.Index))
        {
            var phase = trial.Status?.Phase ?? TrialPhase.Pending;
            if (phase == TrialPhase.Succeeded && trials.Count > 1)
            {
                succeeded++;
                continue;
            }

            // Early stops are the search working; in a whole-sweep view they are listed, not explained one by one.
            if (phase == TrialPhase.EarlyStopped && trials.Count > 1 && trial.Status?.Reason == TrialReasons.EarlyStopped)
            {
                stoppedEarly.Add(trial.Metadata.Name ?? "?");
                continue;
            }

            var found = ExplainTrial(trial, ctx);
            if (found.Count == 0)
            {
                healthy.Add(Progress(trial, ctx));
                continue;
            }

            if (detailed >= MaxTrialLines)
            {
                omitted++;
                continue;
            }

            detailed++;
            lines.AddRange(found);
        }

        if (omitted > 0)
        {
            lines.Add($"... and {omitted} more trial(s) with findings; run `ctune explain TRIAL` for one of them");
        }

        if (succeeded > 0)
        {
            lines.Add($"{succeeded} trial(s) succeeded");
        }

        if (stoppedEarly.Count > 0)
        {
            lines.Add($"{stoppedEarly.Count} trial(s) stopped early by {EarlyStoppingName(spec)} (the search working, not failures): {string.Join(", ", stoppedEarly.Take(MaxTrialLines))}{(stoppedEarly.Count > MaxTrialLines ? " ..." : "")}");
        }

        if (healthy.Count > 0)
        {
            lines.Add($"progressing normally: {string.Join(", ", healthy.Take(MaxTrialLines))}{(healthy.Count > MaxTrialLines ? $" and {healthy.Count - MaxTrialLines} more" : "")}");
        }

        if (!ended && !suspended && trials.Count == 0 && status?.Phase is not null)
        {
            var running = Conditions.Find(conditions, ConditionTypes.Running);
            lines.Add($"job {name} has created no trials yet{(running is null ? "" : $" (Running={running.Status}, {running.Reason}: {running.Message})")}");
        }

        if (lines.Count == 0)
        {
            lines.Add($"job {name} is {status?.Phase?.ToString() ?? "Pending"}: nothing is blocked");
        }

        return lines;
    }

    /// <summary>The findings for one trial; empty when it is simply making progress.</summary>
    private static List<string> ExplainTrial(Trial trial, TrialContext ctx)
    {
        var lines = new List<string>();
        var s = trial.Status ?? new TrialStatus();
        var name = trial.Metadata.Name ?? ResourceNames.Trial(trial.Spec.JobName, trial.Spec.Index);
        var phase = s.Phase ?? TrialPhase.Pending;
        var attempts = s.Attempts ?? 0;
        var maxAttempts = FineTuneJobDefaults.AllowedAttempts(ctx.Spec, trial.Spec);
        var pod = s.PodName is { } podName ? ctx.Pods.FirstOrDefault(p => p.Metadata.Name == podName) : null;
        var epochs = $"{s.Epoch ?? 0}/{FineTuneJobDefaults.TrialEpochs(ctx.Spec, trial.Spec)}";

        switch (phase)
        {
            // Its attempt ended and the retry waits retryPolicy.backoff: the status message says until when.
            case TrialPhase.Pending or TrialPhase.Running when pod?.Status?.Phase == PodPhases.Failed && s.Reason is { } r && TrialReasons.RetriedAfterBackoff.Contains(r):
                lines.Add($"trial {name}: attempt {attempts} of {maxAttempts} ended ({r}) and the next waits (retryPolicy.backoff): {s.Message}");
                break;

            case TrialPhase.Pending:
                lines.AddRange(ExplainPending(trial, name, s, pod, ctx));
                break;

            case TrialPhase.Running:
                if (trial.Spec.Stop == true)
                {
                    lines.Add($"trial {name} is stopping (spec.stop: true{StopDetail(name, ctx)}): it saves a checkpoint and ends as EarlyStopped");
                    break;
                }

                if (FineTuneJobDefaults.Apply(ctx.Spec).HeartbeatTimeout is { } timeout && (s.LastHeartbeat ?? s.StartTime) is { } last && ctx.Now - last > timeout)
                {
                    var since = s.LastHeartbeat is null ? "since it started" : "for";
                    lines.Add($"trial {name} is Running but has sent no metrics {since} {Text.Duration(ctx.Now - last)} (retryPolicy.heartbeatTimeout {GoDuration.Format(timeout)}): " +
                              $"the operator retries such a trial as stuck (this is attempt {attempts} of {maxAttempts}; if no retry follows, check the operator is running); " +
                              $"check `ctune logs {name}` and that the trainer reaches the operator's OTLP endpoint");
                }
                if (pod?.Metadata.DeletionTimestamp is { } deleting && ctx.Now - deleting > TimeSpan.FromMinutes(1))
                {
                    lines.Add($"trial {name}: pod {pod.Metadata.Name} has been terminating for {Text.Duration(ctx.Now - deleting)}; its node may be lost (kubectl describe pod {pod.Metadata.Name})");
                }

                break;

            case TrialPhase.Paused when s.Reason == TrialReasons.Suspended:
                lines.Add($"trial {name} is paused after {s.Epoch ?? 0} epochs because the job is suspended; it resumes from {s.LastCheckpointUri ?? "epoch 0"} when spec.suspend is false");
                break;

            case TrialPhase.Paused:
                lines.Add(ctx.Ended
                    ? $"trial {name} is paused at rung {trial.Spec.Rung ?? 0} after {s.Epoch ?? 0} epochs; the sweep has ended, so it will not be promoted"
                    : $"trial {name} is paused at rung {trial.Spec.Rung ?? 0} after {s.Epoch ?? 0} epochs with a checkpoint, waiting for promotion: in promote mode a paused trial resumes only if it ranks in the top 1/{ctx.Spec.EarlyStopping?.ReductionFactor ?? FineTuneJobDefaults.ReductionFactor} of its rung once enough trials have reached it; this is not an error");
                break;

            case TrialPhase.Failed:
                lines.Add($"trial {name} failed ({s.Reason ?? "no reason"}): {s.Message ?? "no message"}");
                if (FailureHint(trial, name, s, pod, ctx) is { } hint)
                {
                    lines.Add($"  {hint}");
                }

                break;

            case TrialPhase.EarlyStopped:
                lines.Add(s.Reason == TrialReasons.JobEnded
                    ? $"trial {name} was stopped at epoch {epochs} because the sweep ended"
                    : $"trial {name} was stopped early at epoch {epochs} by {EarlyStoppingName(ctx.Spec)}{StopDetail(name, ctx)}: its objective was behind the others at that rung; this is the search working, not a failure");
                break;

            case TrialPhase.Succeeded:
                lines.Add($"trial {name} succeeded: {ctx.Spec.Objective?.Metric ?? "objective"} {Text.Number(s.Objective)} after {s.Epoch ?? 0} epochs");
                break;
        }

        if (phase is TrialPhase.Pending or TrialPhase.Running && attempts > 1)
        {
            var previous = s.Reason is { } r && RetriedReasons.Contains(r) ? $": the previous attempt ended with {r} ({s.Message})" : PreviousAttempt(name, ctx);
            lines.Add($"trial {name} is on attempt {attempts} of {maxAttempts} (retryPolicy.maxAttempts){previous}");
        }

        return lines;
    }

    private static IEnumerable<string> ExplainPending(Trial trial, string name, TrialStatus s, V1Pod? pod, TrialContext ctx)
    {
        if (s.PodName is null)
        {
            yield return ctx.Suspended || ctx.Ended
                ? $"trial {name} is Pending and gets no pod while the job is {(ctx.Ended ? "ended" : "suspended")}"
                : $"trial {name} is Pending: the operator has not created its pod yet (it is created on the trial's next reconcile)";
            yield break;
        }

        if (pod is null)
        {
            yield return $"trial {name} is Pending: its pod {s.PodName} does not exist (yet); the operator re-creates or retries it on its next reconcile";
            yield break;
        }

        var podName = pod.Metadata.Name;
        var scheduled = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (scheduled is { Status: ConditionStatus.False })
        {
            var message = scheduled.Message ?? LatestMessage(ctx.Events, "Pod", podName, "FailedScheduling") ?? "no message";
            yield return $"trial {name} is Pending: pod {podName} cannot be scheduled ({scheduled.Reason ?? "Unschedulable"}): {message}";
            foreach (var hint in SchedulingHints(message, ctx.Spec))
            {
                yield return $"  {hint}";
            }

            yield break;
        }

        var waiting = pod.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting;
        if (waiting?.Reason is { } wr && ImagePullReasons.Contains(wr))
        {
            yield return $"trial {name} is Pending: pod {podName} cannot pull its image {ImageOf(pod, ctx.Spec)} ({wr}: {waiting.Message ?? "no message"})";
            yield return "  check spec.trainer.image (name and tag) and that the nodes can reach the registry (imagePullSecrets on spec.trainer.serviceAccountName)";
            yield break;
        }

        if (pod.Spec?.NodeName is null && scheduled is null)
        {
            var failedScheduling = LatestMessage(ctx.Events, "Pod", podName, "FailedScheduling");
            yield return failedScheduling is null
                ? $"trial {name} is Pending: pod {podName} is not scheduled yet and no scheduler has reported on it; check that a scheduler and Ready nodes exist (kubectl get nodes)"
                : $"trial {name} is Pending: pod {podName} cannot be scheduled: {failedScheduling}";
            if (failedScheduling is not null)
            {
                foreach (var hint in SchedulingHints(failedScheduling, ctx.Spec))
                {
                    yield return $"  {hint}";
                }
            }

            yield break;
        }

        // Bound, yet no kubelet has reported on it at all: the node's agent is not running it.
        if (pod.Spec?.NodeName is { } node && pod.Status?.StartTime is null && pod.Status?.ContainerStatuses is null or { Count: 0 }
            && pod.Metadata.CreationTimestamp is { } created && ctx.Now - new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) is var age && age > TimeSpan.FromMinutes(2))
        {
            yield return $"trial {name} is Pending: pod {podName} was bound to node {node} {Text.Duration(age)} ago but the node has not started it";
            yield return $"  check that node {node} is Ready and its kubelet (or `ctune node`) is running: kubectl get node {node}; kubectl describe pod {podName}";
            yield break;
        }

        if (waiting?.Reason is { } other && pod.Status?.StartTime is { } started && ctx.Now - started > TimeSpan.FromMinutes(2))
        {
            yield return $"trial {name} is Pending: pod {podName} on node {pod.Spec?.NodeName} has waited {Text.Duration(ctx.Now - started)} to start ({other}{(waiting.Message is { } wm ? $": {wm}" : "")})";
        }
    }

    private static string? FailureHint(Trial trial, string name, TrialStatus s, V1Pod? pod, TrialContext ctx)
    {
        var spec = ctx.Spec;
        var attempt = s.Attempts is > 0 and var a ? $" --attempt {a}" : "";
        return s.Reason switch
        {
            TrialReasons.OutOfMemory =>
                $"the trainer ran out of memory: raise spec.trainer.resources.limits.memory (now {Memory(spec)}) or lower spec.trainer.batchSize (now {spec.Trainer.BatchSize ?? FineTuneJobDefaults.BatchSize}); " +
                $"retryPolicy.retryOnOom: true (now {(spec.RetryPolicy?.RetryOnOom == true ? "true" : "false")}) retries it unchanged, which helps only when the OOM is intermittent",
            TrialReasons.ImagePullFailed when s.Message?.Contains("ErrImageNeverPull", StringComparison.Ordinal) == true =>
                $"the process node agent has no command for the image {ImageOf(pod, spec)}: set spec.trainer.command, or give the node an image command (ctune node --image-command IMAGE=CMD)",
            TrialReasons.ImagePullFailed =>
                $"the image {ImageOf(pod, spec)} cannot be pulled: check spec.trainer.image (name and tag) and that the nodes can reach the registry (imagePullSecrets)",
            TrialReasons.TrainerError => $"see what the trainer printed: ctune logs {name}{attempt}",
            TrialReasons.InvalidConfig => $"the trainer rejected its parameters or environment (exit 2): ctune logs {name}{attempt} shows which",
            TrialReasons.DeadlineExceeded =>
                $"an attempt may run for spec.budget.trialDeadline ({spec.Budget?.TrialDeadline ?? "unset"}): raise it, or train fewer spec.trainer.epochs",
            TrialReasons.ConstraintViolated =>
                $"its trainable fraction {Text.Number(s.TrainableFraction)} is above spec.searchSpace.constraints.maxTrainableParamsFraction ({Text.Number(spec.SearchSpace?.Constraints?.MaxTrainableParamsFraction)}): " +
                "raise that limit, or search deeper freezeDepth / smaller loraRank",
            TrialReasons.InvalidObjective =>
                $"the trainer reported no finite '{spec.Objective?.Metric ?? FineTuneJobDefaults.ObjectiveMetric}': check spec.objective.metric matches a metric the trainer reports; NaN usually means training diverged (try a smaller lrFactor)",
            TrialReasons.RetriesExhausted =>
                $"all {s.Attempts ?? 0} attempt(s) allowed by retryPolicy.maxAttempts ({(trial.Spec.RetryPolicy ?? spec.RetryPolicy)?.MaxAttempts ?? FineTuneJobDefaults.MaxAttempts}) ended in infrastructure failures; " +
                $"check the nodes (kubectl get nodes; kubectl describe pod {s.PodName}) or raise retryPolicy.maxAttempts",
            _ => null,
        };
    }

    private static IEnumerable<string> SchedulingHints(string message, FineTuneJobSpec spec)
    {
        var gpus = spec.Trainer.Resources?.GpuCount() ?? 0;
        if (message.Contains(Gpus.NvidiaGpu, StringComparison.Ordinal))
        {
            yield return $"no node has {(gpus > 0 ? $"{gpus} " : "")}free {Gpus.NvidiaGpu} for it: request fewer GPUs in spec.trainer.resources, lower spec.budget.parallelism " +
                         $"(now {spec.Budget?.Parallelism ?? FineTuneJobDefaults.Parallelism}) so fewer trials compete, or add GPU nodes";
        }

        if (message.Contains("Insufficient cpu", StringComparison.OrdinalIgnoreCase) || message.Contains("Insufficient memory", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"the nodes lack CPU or memory for it: lower spec.trainer.resources requests, lower spec.budget.parallelism (now {spec.Budget?.Parallelism ?? FineTuneJobDefaults.Parallelism}), or add nodes";
        }

        var notReady = message.Contains("node.kubernetes.io/not-ready", StringComparison.Ordinal) || message.Contains("node.kubernetes.io/unreachable", StringComparison.Ordinal);
        if (notReady)
        {
            yield return "the nodes are not Ready: Kubernetes taints a node node.kubernetes.io/not-ready (or unreachable) until its kubelet, or `ctune node`, " +
                         "reports Ready; check `kubectl get nodes` and the node's agent; a toleration would only hide the problem";
        }
        else if (message.Contains("taint", StringComparison.OrdinalIgnoreCase))
        {
            yield return "the free nodes are tainted: add a matching toleration to spec.trainer.tolerations (GPU nodes are often tainted nvidia.com/gpu:NoSchedule)";
        }

        if (message.Contains("affinity/selector", StringComparison.OrdinalIgnoreCase) || message.Contains("node selector", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"no node matches spec.trainer.nodeSelector ({(spec.Trainer.NodeSelector is { Count: > 0 } sel ? string.Join(",", sel.Select(kv => $"{kv.Key}={kv.Value}")) : "none")}): compare it with kubectl get nodes --show-labels";
        }
    }

    private static string FailedHint(string reason, FineTuneJobSpec spec, FineTuneJobStatus? status) => reason switch
    {
        ConditionReasons.MaxFailedTrialsReached =>
            $"; {status?.Trials?.Failed ?? 0} trial(s) failed, more than spec.budget.maxFailedTrials ({spec.Budget?.MaxFailedTrials ?? FineTuneJobDefaults.MaxFailedTrials}): fix the failures below, then re-create the job",
        ConditionReasons.NoSuccessfulTrial => "; no trial produced a result, so there is no best trial: see the trials below",
        _ => "",
    };

    private static string BudgetHint(string reason, FineTuneJobSpec spec, FineTuneJobStatus? status, DateTimeOffset now) => reason switch
    {
        ConditionReasons.MaxTrialsReached => $" ({status?.Trials?.Total ?? 0} of spec.budget.maxTrials {spec.Budget?.MaxTrials?.ToString(CultureInfo.InvariantCulture) ?? "?"} created)",
        ConditionReasons.MaxGpuHoursReached =>
            string.Create(CultureInfo.InvariantCulture, $" ({(status?.GpuSecondsUsed ?? 0) / 3600:0.###} GPU-hours used of spec.budget.maxGpuHours {spec.Budget?.MaxGpuHours})"),
        ConditionReasons.MaxDurationReached =>
            $" (running for {(status?.StartTime is { } st ? Text.Duration((status.CompletionTime ?? now) - st) : "?")}, spec.budget.maxDuration {spec.Budget?.MaxDuration})",
        _ => "",
    };

    /// <summary>"epoch 3/10, last metric 20s ago" for a trial that is fine.</summary>
    private static string Progress(Trial trial, TrialContext ctx)
    {
        var s = trial.Status;
        var heartbeat = s?.LastHeartbeat is { } h ? $", last metric {Text.Duration(ctx.Now - h)} ago" : "";
        return $"{trial.Metadata.Name} ({(s?.Phase ?? TrialPhase.Pending).ToString()}, epoch {s?.Epoch ?? 0}/{FineTuneJobDefaults.TrialEpochs(ctx.Spec, trial.Spec)}{heartbeat})";
    }

    /// <summary>
    /// The field errors of a Validated=False message. The operator joins "path: problem; fix" errors with "; ", so
    /// split only where a "; " is followed by something shaped like a field path.
    /// </summary>
    public static IReadOnlyList<string> SplitFieldErrors(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return ["(the condition carries no message)"];
        }

        return FieldErrorBoundary().Split(message).Select(e => e.Trim()).Where(e => e.Length > 0).ToList();
    }

    [GeneratedRegex(@"(?:;\s+|\n)(?=(?:spec|metadata)(?:\.[A-Za-z0-9_\[\]-]+)*:\s)")]
    private static partial Regex FieldErrorBoundary();

    private static string StopDetail(string trial, TrialContext ctx)
    {
        var prefix = $"trial {trial} stopped: ";
        var message = ctx.Events.Where(e => e.Reason == EventReasons.TrialStopped && e.Message?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .OrderBy(SweepReader.EventTime).LastOrDefault()?.Message;
        return message is null ? "" : $": {message[prefix.Length..]}";
    }

    private static string PreviousAttempt(string trial, TrialContext ctx)
    {
        var retried = ctx.Events.Where(e => e.Reason == EventReasons.TrialRetried && e.InvolvedObject.Name == trial).OrderBy(SweepReader.EventTime).LastOrDefault();
        return retried?.Message is { } m ? $": the previous attempt ended with {m}" : "";
    }

    private static string? LatestMessage(IReadOnlyList<Corev1Event> events, string kind, string? name, string reason) =>
        events.Where(e => e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name && e.Reason == reason)
            .OrderBy(SweepReader.EventTime).LastOrDefault()?.Message;

    private static string EarlyStoppingName(FineTuneJobSpec spec) => spec.EarlyStopping?.Type switch
    {
        EarlyStoppingType.Asha => "ASHA",
        EarlyStoppingType.Hyperband => "Hyperband",
        EarlyStoppingType.Median => "the median stopping rule",
        _ => "early stopping",
    };


    private static string Memory(FineTuneJobSpec spec) =>
        spec.Trainer.Resources?.Limits?.TryGetValue("memory", out var m) == true ? m.ToString()
        : spec.Trainer.Resources?.Requests?.TryGetValue("memory", out var r) == true ? $"unset; request {r}" : "unset";

    private static string ImageOf(V1Pod? pod, FineTuneJobSpec spec) => pod?.Spec?.Containers.FirstOrDefault()?.Image ?? spec.Trainer.Image;

    private sealed record TrialContext(FineTuneJobSpec Spec, IReadOnlyList<V1Pod> Pods, IReadOnlyList<Corev1Event> Events, DateTimeOffset Now, bool Ended, bool Suspended);
}
