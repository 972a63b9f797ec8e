using ClusterTune.Api.Contract;
using ClusterTune.Kubernetes.Controllers;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Operator.Hosting;
using ClusterTune.Operator.Ingestion;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Grains;

/// <summary>
/// One FineTuneJob's controller. Its work (the job, each trial, the observation flush) goes through a work queue of
/// its own with one worker, so a sweep's decisions never overlap and every sweep proceeds in parallel with the others.
/// State is only what can be rebuilt: on activation (a new silo, or after its silo died) it reconciles the job and
/// every trial from the informer caches. Single activation is not a fence (docs/operator.md): every write it makes
/// is guarded by a resourceVersion, a deterministic name or an idempotent promotion.
/// </summary>
/// <remarks>
/// Placed on the silo that owns the job by <see cref="JobPartition"/> (rendezvous hashing over the live silos), the
/// same rule by which silos split the routing of informer events, so the events of a job are decoded and handled on
/// the silo that runs its grain. It needs no load statistics, so a burst of new jobs spreads at once
/// (activation-count placement put all of a burst on the silo that saw it first, before statistics arrived).
/// </remarks>
[JobPartitionPlacement]
public sealed partial class FineTuneJobGrain(OperatorRuntime runtime, ILocalSiloDetails silo, IClusterMembershipService membership) : Grain, IFineTuneJobGrain
{
    private WorkQueue<string>? _queue;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private ObservationAccumulator? _observations;
    private IGrainTimer? _keepAlive;

    /// <summary>How long an activation waits for this silo to cache the job's shard.</summary>
    public static readonly TimeSpan ShardWait = TimeSpan.FromSeconds(15);

    private string Key => this.GetPrimaryKeyString();

    // The job's owner among the active silos as this silo sees them now (what placement computes, on the caller's view).
    private SiloAddress? OwnerNow() => JobPartition.Owner(Key, SiloController.ActiveWith(membership.CurrentSnapshot, silo.SiloAddress));

    /// <summary>Items waiting or being worked on in this grain's queue.</summary>
    public int QueueDepth => _queue?.Len ?? 0;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await runtime.Ready.WaitAsync(cancellationToken);
        // A grain reads its trials from this silo's caches: wait until they hold its shard (the silo lists a shard it gains
        // right after the membership change that placed the grain here). Fail at once when this silo's newest view of
        // the membership gives the job to another silo (the caller placed it on an older view), and after ShardWait
        // when the shard is still not cached; the next call (or the resync) places the grain again.
        var shard = JobShards.Of(Key);
        if (!runtime.Caches.Covers(shard) && OwnerNow() is { } owner && owner != silo.SiloAddress)
        {
            throw new OrleansException($"{Key}: shard {shard} belongs to {owner} in this silo's view of the membership; the grain is placed again on its next call");
        }

        if (!await runtime.Caches.WaitForShardAsync(shard, ShardWait, cancellationToken))
        {
            throw new OrleansException($"{Key}: shard {shard} is not cached on this silo; the grain is placed again on its next call");
        }

        var time = runtime.Time;
        _observations = new ObservationAccumulator(runtime.ObjectiveOf, time);
        _queue = new WorkQueue<string>(timeProvider: time);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(runtime.Stopping);
        var logger = runtime.Loggers.CreateLogger("clustertune.jobgrain");
        ObservationFlusher? flusher = null;
        flusher = new ObservationFlusher(_observations, runtime.Caches, runtime.Api, async (trial, observed, ct) =>
        {
            // The flush is the trial's reconcile: what that plans to look at again is queued like any other look.
            var result = await runtime.Trials.ReconcileAsync(trial, ct, observed, writeProgress: true, written: flusher!.Written, lastPoint: flusher!.LastPoint);
            if (result.RequeueAfter is { } after)
            {
                _queue.AddAfter(JobWorkItems.Trial(ObjectKey.Split(trial).Name), after);
            }
        }, runtime.Options.ProgressFlushInterval, logger, runtime.Metrics);
        var loop = new ControllerLoop("finetunejob", _queue, (item, ct) => ReconcileAsync(item, flusher, ct), logger, new Controllers.ControllerMetrics(runtime.Metrics),
            JobWorkItems.ControllerOf);
        _loop = loop.RunAsync(1, _stop.Token);
        // Rebuild: the job and every trial it owns are looked at once, whatever this activation was told.
        Enqueue([JobWorkItems.Job, .. TrialsOfJob()]);
        runtime.Grains[Key] = this;
        // Timers of the work queue are not grain calls: while work is scheduled, keep the activation from idling out.
        _keepAlive = this.RegisterGrainTimer(KeepAliveAsync, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        runtime.Grains.TryRemove(new KeyValuePair<string, FineTuneJobGrain>(Key, this));
        _keepAlive?.Dispose();
        if (_queue is null || _stop is null || _loop is null)
        {
            return;
        }

        _queue.ShutDown();
        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        _queue.Dispose();
        _stop.Dispose();
    }

    /// <inheritdoc />
    public Task Touch(string[] items)
    {
        Enqueue(items);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> Observe(TrialMetricRecord[] records)
    {
        if (_observations is null || _queue is null)
        {
            return Task.FromResult(false);
        }
        // Decisions read the trials through the accumulator (ObservationFlusher.Observed): a new objective point is
        // acted on now, while the status write waits for the flush or rides along with the trial's next status write.
        var objective = _observations.AddTracked(records).Objective;
        if (objective)
        {
            _queue.Add(JobWorkItems.Job);
        }
        foreach (var trial in records.Select(r => r.Trial).Distinct())
        {
            // The trial gauges (objective, epoch, loss) follow each epoch at once, not the status flush.
            if (objective && _observations.GetSnapshot(trial) is { } snapshot)
            {
                runtime.Metrics.SetTrialProgress(snapshot);
            }
            // Points of a trial that already ended complete its curve, and no status write of its own will carry them
            // any more: flush now rather than after the interval.
            if (Api.V1Alpha1.TrialPhases.IsEnded(runtime.Caches.Trials.Get(trial.Namespace, trial.Trial)?.Status?.Phase))
            {
                _queue.Add(JobWorkItems.Observations);
            }
        }
        _queue.AddAfter(JobWorkItems.Observations, runtime.Options.ProgressFlushInterval);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task Release()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<TrialAuthorization> Authorize(TrialKey trial, string? podName, string? token) =>
        new PodTokenValidator(runtime.Caches).AuthorizeAsync(trial, podName, token, CancellationToken.None).AsTask();

    /// <inheritdoc />
    public Task<GrainLocation> Where() => Task.FromResult(new GrainLocation(silo.SiloAddress.ToString(), Environment.ProcessId));

    private void Enqueue(IEnumerable<string> items)
    {
        if (_queue is null)
        {
            return;
        }

        foreach (var item in items)
        {
            if (item == JobWorkItems.Heal)
            {
                // A touch that may stand for lost ones: the job and every trial that can still change.
                _queue.Add(JobWorkItems.Job);
                foreach (var trial in TrialsOfJob(unfinishedOnly: true))
                {
                    _queue.Add(trial);
                }
            }
            else
            {
                _queue.Add(item);
            }
        }
    }

    private IEnumerable<string> TrialsOfJob(bool unfinishedOnly = false)
    {
        var (ns, name) = ObjectKey.Split(Key);
        return runtime.Caches.Trials.ListByLabel(Api.Contract.LabelKeys.Job, name)
            .Where(t => t.Metadata.NamespaceProperty == ns && !(unfinishedOnly && Api.V1Alpha1.TrialPhases.IsEnded(t.Status?.Phase)))
            .Select(t => JobWorkItems.Trial(t.Metadata.Name!));
    }

    private async Task<ReconcileResult> ReconcileAsync(string item, ObservationFlusher flusher, CancellationToken ct)
    {
        if (!runtime.Caches.Covers(JobShards.Of(Key)))
        {
            // This silo no longer owns the job's shard (a membership change): its caches may not hold the trials, and an
            // empty cache must never read as "no trials". The owner's activation takes over.
            DeactivateOnIdle();
            return ReconcileResult.Done;
        }

        if (item == JobWorkItems.Job)
        {
            return await runtime.Jobs.ReconcileAsync(Key, ct, flusher.Observed);
        }

        if (item == JobWorkItems.Observations)
        {
            return new ReconcileResult(await flusher.FlushAsync(ct));
        }
        var (ns, _) = ObjectKey.Split(Key);
        return await runtime.Trials.ReconcileAsync(ObjectKey.Of(ns, JobWorkItems.TrialOf(item)!), ct, flusher.Observed, written: flusher.Written, lastPoint: flusher.LastPoint);
    }

    private Task KeepAliveAsync(CancellationToken ct)
    {
        if (_queue is { } q && (q.Len > 0 || q.WaitingCount > 0 || _observations?.PendingChanges > 0))
        {
            DelayDeactivation(TimeSpan.FromMinutes(2));
        }

        return Task.CompletedTask;
    }
}
