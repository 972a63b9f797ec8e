using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Controllers;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// Reconciles a Trial key: reads the trial, its job and its pods, plans (pure), then acts — create the next pod,
/// delete a pod (SIGTERM: stop, pause, deadline, stuck), write status, record events.
/// </summary>
public sealed class TrialReconciler(OperatorCaches caches, ApiActions api, Func<OperatorOptions> options, TimeProvider time, Func<string> newToken)
{
    /// <summary>Reconciles the trial named by <paramref name="key"/> ("namespace/name").</summary>
    /// <param name="key">The trial.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="observed">
    /// The trial with the observations not yet written to its status: decisions see them, and a status write of this
    /// reconcile carries them (so the terminal write holds the last epochs and no flush has to follow it).
    /// </param>
    /// <param name="writeProgress">
    /// Write the status even when only progress changed: the observations and a status that only mirrors the pod
    /// (<see cref="TrialPlan.Progress"/>). The observation flush asks for it; otherwise progress waits to be carried.
    /// </param>
    /// <param name="written">Told of the trial as stored once this reconcile wrote its status (with the observations), or found it already so.</param>
    /// <param name="lastPoint">When the trial's last metric point arrived (<see cref="TrialPlanInput.LastPoint"/>).</param>
    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct, Func<Trial, Trial>? observed = null, bool writeProgress = false,
        Action<Trial>? written = null, Func<Trial, DateTimeOffset?>? lastPoint = null)
    {
        var cached = caches.Trials.Get(key);
        if (cached is null)
        {
            return ReconcileResult.Done;
        }

        var trial = observed?.Invoke(cached) ?? cached;
        var job = caches.Jobs.Get(trial.Metadata.NamespaceProperty, trial.Spec.JobName);
        // A deleted job's finalizer deletes the pods; an invalid edit of a job pauses its trials where they are.
        // A job handed to another controller (spec.managedBy) is that controller's to run.
        if (job is null || job.Metadata.DeletionTimestamp is not null || job.Metadata.Uid != Owner(trial) || !JobControl.IsManagedByClusterTune(job))
        {
            return ReconcileResult.Done;
        }

        if (FineTuneJobValidator.Validate(job).Count > 0 || TrialPodPolicy.Check(job, options()).Count > 0)
        {
            return ReconcileResult.Done;
        }

        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var conditions = job.Status?.Conditions;
        var ended = Conditions.IsTrue(conditions, ConditionTypes.Complete) || Conditions.IsTrue(conditions, ConditionTypes.Failed);

        var pods = caches.Pods.ListByOwner(trial.Metadata.Uid!).ToList();
        var ns = trial.Metadata.NamespaceProperty;
        // The cache may lag our own create: confirm a missing current pod with a live read before calling it lost; a
        // pod deleted since counts by its final state if that held its end (DeletedPods keeps only those). The next
        // attempt's pod may have ended and gone before the status recorded it (Pending is not written alone).
        // A trial whose end is recorded skips the live read: its pod is gone (deleted on the stop, or by the user), and
        // one that still exists reaches the cache and queues this trial again, which then deletes it if it runs. A silo
        // taking over a shard of finished sweeps would otherwise GET (404) the pod of every finished trial.
        if (trial.Status?.PodName is { } current && pods.All(p => p.Metadata.Name != current))
        {
            var read = TrialPhases.IsEnded(trial.Status.Phase) ? null : await api.Client.TryGetAsync<V1Pod>(current, ns, ct);
            if ((read ?? caches.DeletedPods.Get(ns, current)) is { } live)
            {
                pods.Add(live);
            }
        }
        else if (caches.DeletedPods.Get(ns, ResourceNames.Pod(trial.Spec.JobName, trial.Spec.Index, (trial.Status?.Attempts ?? 0) + 1)) is { } gone
                 && gone.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == trial.Metadata.Uid) == true // not a re-created job's namesake
                 && pods.All(p => p.Metadata.Name != gone.Metadata.Name))
        {
            pods.Add(gone);
        }

        var plan = TrialPlanner.Plan(new TrialPlanInput(trial, spec, ended, JobControl.IsSuspended(job), pods, time.GetUtcNow(), options().StuckTerminatingTimeout,
            options().UnschedulableTimeout, () => CheckpointVerifier.NewestValid(CheckpointPaths.TrialDirectory(job, spec, options().CheckpointRoot, trial.Metadata.Name!)))
        {
            ProgressInterval = options().ProgressFlushInterval,
            LastPoint = lastPoint?.Invoke(trial),
        });
        var after = (plan.Status ?? plan.Progress) is { } status ? ApiCopy.With(trial, t => t.Status = status) : trial;
        if (plan.CreatePodAttempt is { } attempt)
        {
            await TrialPodCreator.CreateAsync(api, job, spec, after, attempt, newToken(), options(), ct);
        }

        if (plan.DeletePod is { } victim)
        {
            await api.DeleteAsync<V1Pod>(victim, trial.Metadata.NamespaceProperty, plan.ForceDelete ? 0 : null, ct);
        }

        if (plan.Status is not null || writeProgress)
        {
            await api.PatchAsync(cached, after, status: true, ct); // false: the status held all of it already
            written?.Invoke(after);
        }

        await api.RecordAsync(trial, plan.Events, _ => trial, ct);
        return new ReconcileResult(plan.RequeueAfter);
    }

    private static string? Owner(Trial trial) => trial.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true)?.Uid;
}
