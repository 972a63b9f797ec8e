using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Controllers;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Planning;
using ClusterTune.Telemetry.Catalog;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// Reconciles a FineTuneJob key: finalizer, plan (pure), then act — create Trials, change Trial specs, promote the
/// best checkpoint, write status, record events; on deletion clean up pods and checkpoints, then drop the finalizer.
/// </summary>
public sealed class FineTuneJobReconciler(OperatorCaches caches, ApiActions api, CheckpointManager checkpoints, Func<OperatorOptions> options,
    TimeProvider time, ClusterTuneMetrics? metrics = null)
{
    private readonly NotificationSender _notifications = new(api.Client, time, options, metrics);

    /// <summary>When this process last wrote each job's status (a restart forgets it: the next write is then at once).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _statusWritten = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Version, IReadOnlyList<Trial> Trials)> _otherShards = new(StringComparer.Ordinal);

    /// <summary>Reconciles the job named by <paramref name="key"/> ("namespace/name").</summary>
    /// <param name="key">The job.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="observed">The trials with the observations not yet written to their status (the job grain's accumulator).</param>
    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct, Func<Trial, Trial>? observed = null)
    {
        var job = caches.Jobs.Get(key);
        if (job is null)
        {
            var (ns, name) = ObjectKey.Split(key);
            metrics?.RemoveJob(ns ?? "default", name);
            _statusWritten.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        if (job.Metadata.DeletionTimestamp is not null)
        {
            return await CleanupAsync(job, ct);
        }

        // spec.managedBy names another controller (e.g. MultiKueue mirroring a worker cluster's copy): no finalizer,
        // trial, pod or status write of ours; that controller owns the object's status.
        if (!JobControl.IsManagedByClusterTune(job))
        {
            return ReconcileResult.Done;
        }

        if (!(job.Metadata.Finalizers ?? []).Contains(Finalizers.Cleanup))
        {
            await api.MergePatchAsync(job, new JsonObject
            {
                ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray([.. (job.Metadata.Finalizers ?? []).Append(Finalizers.Cleanup).Select(f => JsonValue.Create(f))]) },
            }, ct);
            return ReconcileResult.Done; // the update event brings the job back
        }

        var now = time.GetUtcNow();
        // The Trials this silo just created are among them before the watch delivers them (CacheView.Created).
        var trials = observed is null ? caches.TrialsOf(job) : [.. caches.TrialsOf(job).Select(observed)];
        var gpus = job.Spec.Trainer?.Resources?.GpuCount() ?? 0;
        var running = gpus == 0 ? 0 : caches.PodsOf(job).Sum(p => RunningSeconds(p, now)) * gpus;
        var plan = JobPlanner.Plan(new JobPlanInput(job, trials, now, running, options().CheckpointRoot, options(), await WarmStartSourcesAsync(job, ct)));

        if (plan.TrialsToCreate.Count > 0)
        {
            checkpoints.ClaimJobDirectory(job, plan.Spec);
        }

        foreach (var t in plan.TrialsToCreate)
        {
            await api.CreateAsync(t, ct); // false (409): it exists, but it may not be this job's; the cache will say
        }

        foreach (var change in plan.TrialChanges)
        {
            var trial = trials.FirstOrDefault(t => t.Metadata.Name == change.Name);
            if (trial is null)
            {
                continue;
            }

            var after = ApiCopy.Clone(trial);
            if (change.Stop is { } stop)
            {
                after.Spec.Stop = stop;
            }

            if (change.Epochs is { } epochs)
            {
                after.Spec.Epochs = epochs;
            }

            if (change.ResumeFrom is { } from)
            {
                after.Spec.ResumeFrom = from;
            }

            if (change.Rung is { } rung)
            {
                after.Spec.Rung = rung;
            }

            if (change.Exploit is { } exploit)
            {
                // The donor's checkpoint becomes this trial's last/ before the patch: a crash in between copies again.
                if (checkpoints.CopyCheckpoint(job, plan.Spec, change.CopyCheckpointFrom, trial) is { } failed)
                {
                    await api.RecordAsync(job, [new PlannedEvent(EventTypes.Warning, EventReasons.TrialExploitFailed, failed)], _ => null, ct);
                    continue;
                }

                (after.Spec.Params, after.Spec.Exploit) = (change.Params ?? after.Spec.Params, exploit);
            }

            await api.PatchAsync(trial, after, status: false, ct);
        }

        var status = plan.Status;
        var events = plan.Events.ToList();
        if (plan.PromoteBest)
        {
            var result = checkpoints.Promote(job, plan.Spec, trials);
            status = JobPlanner.WithPromotion(status, result, job.Metadata.Generation, now);
            events.Add(result.Succeeded
                ? new PlannedEvent(EventTypes.Normal, EventReasons.CheckpointPromoted, $"best checkpoint of {status.BestTrial?.Name} promoted to {result.PromotedUri} (sha256 {result.Sha256})")
                : new PlannedEvent(EventTypes.Warning, EventReasons.CheckpointPromotionFailed, result.Message ?? "promotion failed"));
        }

        // Webhooks of the states this status reaches go out before it is written, so their records ride along.
        var notified = await _notifications.DeliverAsync(job, plan.Spec, status, ct);
        status.Notifications = notified.Records;
        events.AddRange(notified.Events);
        // Progress alone (counts, GPU time) is written at most once per JobProgressInterval; the requeue writes it then.
        TimeSpan? deferred = null;
        if (StatusProgress.DeferUntil(job.Status, status, _statusWritten.TryGetValue(key, out var last) ? last : null, now, options().JobProgressInterval) is { } due)
        {
            deferred = due - now;
        }
        else if (await api.PatchAsync(job, ApiCopy.With(job, j => j.Status = status), status: true, ct))
        {
            _statusWritten[key] = now;
        }

        await api.RecordAsync(job, events, n => trials.FirstOrDefault(t => t.Metadata.Name == n), ct);
        Publish(job, plan.Spec, status, trials);
        if (plan.PromoteBest && !Conditions.IsTrue(status.Conditions, ConditionTypes.CheckpointPromoted))
        {
            return new ReconcileResult(TimeSpan.FromSeconds(10));
        }

        return new ReconcileResult(Earliest(Earliest(plan.RequeueAfter, notified.RetryIn), deferred));
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private async Task<List<WarmStartSource>> WarmStartSourcesAsync(FineTuneJob job, CancellationToken ct)
    {
        var sources = new List<WarmStartSource>();
        foreach (var n in (job.Spec.WarmStartFrom ?? []).Where(n => n is not null).Distinct())
        {
            var source = caches.Jobs.Get(ObjectKey.Of(job.Metadata.NamespaceProperty, n));
            sources.Add(new WarmStartSource(n, source, source is null ? [] : await TrialsOfAnyAsync(source, ct)));
        }
        return sources;
    }

    // Another job's trials: from the caches when this silo holds its shard, else listed once per version of that job
    // (a warm-start source is usually finished, so its version, and its trials, stay put).
    private async Task<IReadOnlyList<Trial>> TrialsOfAnyAsync(FineTuneJob source, CancellationToken ct)
    {
        if (caches.Covers(source.Metadata.NamespaceProperty, source.Metadata.Name!))
        {
            _otherShards.TryRemove(source.Metadata.Uid!, out _);
            return caches.TrialsOf(source);
        }

        var version = source.Metadata.ResourceVersion ?? "";
        if (_otherShards.TryGetValue(source.Metadata.Uid!, out var known) && known.Version == version)
        {
            return known.Trials;
        }

        var listed = await new Web.ClientSweepSource(api.Client, source.Metadata.NamespaceProperty).TrialsAsync(source, ct);
        _otherShards[source.Metadata.Uid!] = (version, listed);
        return listed;
    }

    private async Task<ReconcileResult> CleanupAsync(FineTuneJob job, CancellationToken ct)
    {
        if (!(job.Metadata.Finalizers ?? []).Contains(Finalizers.Cleanup))
        {
            return ReconcileResult.Done;
        }

        var stopping = caches.PodsOf(job).Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        foreach (var p in stopping)
        {
            await api.DeleteAsync<V1Pod>(p.Metadata.Name!, p.Metadata.NamespaceProperty, null, ct);
        }
        // Counted when they are stopped: by the time cleanup completes the pods are gone from every cache.
        if (stopping.Count > 0)
        {
            await api.RecordAsync(job, [new PlannedEvent(EventTypes.Normal, EventReasons.PodsStopping,
                $"stopping {stopping.Count} pod(s) before the job is deleted; each gets its grace period to checkpoint")], _ => null, ct);
        }
        // Pods still terminating get their grace period (trainers checkpoint); the finalizer waits for them.
        var live = await api.Client.ListAsync<V1Pod>(job.Metadata.NamespaceProperty, labelSelector: $"{LabelKeys.Job}={job.Metadata.Name}", ct: ct);
        if (live.Items.Count > 0)
        {
            return new ReconcileResult(TimeSpan.FromSeconds(1));
        }

        var what = checkpoints.DeleteForJob(job, FineTuneJobDefaults.Apply(job.Spec));
        await api.RecordAsync(job, [new PlannedEvent(EventTypes.Normal, EventReasons.CheckpointsDeleted, what),
            new PlannedEvent(EventTypes.Normal, EventReasons.CleanupCompleted, $"no pods left; {what}")], _ => null, ct);
        await api.RemoveFinalizerAsync(job, Finalizers.Cleanup, ct);
        return ReconcileResult.Done;
    }

    private void Publish(FineTuneJob job, EffectiveSpec spec, FineTuneJobStatus status, IReadOnlyList<Trial> trials)
    {
        if (metrics is null)
        {
            return;
        }

        var ns = job.Metadata.NamespaceProperty ?? "default";
        var name = job.Metadata.Name!;
        foreach (var t in trials)
        {
            metrics.SetTrialInfo(new Telemetry.TrialKey(ns, name, t.Metadata.Name!), t.Spec.Params);
        }

        var c = status.Trials ?? new TrialCounts();
        metrics.SetTrialPhases(ns, name, new Dictionary<string, int>
        {
            [nameof(TrialPhase.Pending)] = c.Pending,
            [nameof(TrialPhase.Running)] = c.Running,
            [nameof(TrialPhase.Paused)] = c.Paused,
            [nameof(TrialPhase.Succeeded)] = c.Succeeded,
            [nameof(TrialPhase.Failed)] = c.Failed,
            [nameof(TrialPhase.EarlyStopped)] = c.EarlyStopped,
        });
        metrics.TrialsCreated.WithLabels(ns, name).Set(c.Total);
        metrics.TrialsMax.WithLabels(ns, name).Set(spec.MaxTrials);
        if (spec.MaxTrials is > 0 and var max)
        {
            metrics.BudgetUsed.WithLabels(ns, name).Set((double)c.Total / max);
        }

        if (status.BestTrial?.Objective is { } best)
        {
            metrics.BestObjective.WithLabels(ns, name, spec.Metric).Set(best);
        }

        metrics.GpuTime.WithLabels(ns, name).Set(status.GpuSecondsUsed ?? 0);
        if (spec.Budget.MaxGpuHours is { } limit)
        {
            metrics.GpuTimeLimit.WithLabels(ns, name).Set(limit * 3600);
        }
    }

    /// <summary>Seconds a pod's container has been running (0 unless it is running now).</summary>
    internal static double RunningSeconds(V1Pod pod, DateTimeOffset now) =>
        PodOutcome.Of(pod) is { State: PodOutcomeState.Running, StartedAt: { } started } && now > started ? (now - started).TotalSeconds : 0;
}
