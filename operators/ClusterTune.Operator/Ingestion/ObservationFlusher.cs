using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Planning;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Observations;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Ingestion;

/// <summary>
/// Moves what trainers reported over OTLP into Trial status (a job grain runs it as the writes fall due): one status
/// write per trial whose stream changed (observations per epoch, epoch, heartbeat, best objective so far) at most once
/// per <c>interval</c>, counted from the first point the status does not hold yet. A write of the trial's own reconcile
/// carries what the stream has (see <see cref="Observed"/>), so a trial shorter than the interval costs no write here.
/// The write of a running trial is its reconcile's (<c>writeTrial</c>), so it carries the status that only mirrors the
/// pod as well (Pending, Running). Metrics never fail a trial: the receiver rejects non-finite points, and a trainer
/// reports its own divergence in its result.
/// </summary>
public sealed partial class ObservationFlusher(ObservationAccumulator accumulator, OperatorCaches caches, ApiActions api,
    Func<string, Func<Trial, Trial>, CancellationToken, Task> writeTrial, TimeSpan interval, ILogger logger, ClusterTuneMetrics? metrics = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TrialKey, DateTimeOffset> _observedAsOf = new();

    /// <summary>
    /// How stale status.lastHeartbeat may get before a write refreshes it: a quarter of the job's
    /// retryPolicy.heartbeatTimeout, between 30 s and 5 min (5 min without a timeout). A trainer exporting every few
    /// seconds for an hour so costs 24 heartbeat writes at the 10-min default, not 120 at a fixed 30 s. The stuck-trial
    /// check reads the grain's last point (<see cref="LastPoint"/>), so the stale status only matters to a grain that
    /// has just moved and has no point yet: it may count a silent trainer stuck up to this much early.
    /// </summary>
    public static TimeSpan HeartbeatRefresh(TimeSpan? heartbeatTimeout) =>
        heartbeatTimeout is { } t ? TimeSpan.FromTicks(Math.Clamp(t.Ticks / 4, MinHeartbeatRefresh.Ticks, MaxHeartbeatRefresh.Ticks)) : MaxHeartbeatRefresh;

    private static readonly TimeSpan MinHeartbeatRefresh = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxHeartbeatRefresh = TimeSpan.FromMinutes(5);

    /// <summary>When the trial's last metric point arrived (the stuck-trial check's clock), or null when this grain holds none.</summary>
    public DateTimeOffset? LastPoint(Trial trial) => accumulator.LastReceived(KeyOf(trial));

    /// <summary>Writes the trials whose writes are due; returns when the next one falls due (null: none owed).</summary>
    public async Task<TimeSpan?> FlushAsync(CancellationToken ct)
    {
        // Points of a trial that already ended complete its curve, and no write of its own will carry them: at once.
        foreach (var snapshot in accumulator.DrainChanged(interval, t => TrialPhases.IsEnded(caches.Trials.Get(t.Namespace, t.Trial)?.Status?.Phase)))
        {
            metrics?.SetTrialProgress(snapshot);
            try
            {
                await WriteAsync(snapshot, ct);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or TimeoutException)
            {
                // A conflict (the trial moved on under us) or a failed request: the stream keeps the points, so the
                // trial is owed its write again; its next write (this flush's next round, or its own) carries them.
                accumulator.MarkChanged(snapshot.Trial);
                if (!(e is HttpOperationException h && h.IsConflict()))
                {
                    LogFlushFailed(logger, snapshot.Trial.ToString(), e.Describe());
                }
            }
        }
        return accumulator.NextDue(interval);
    }

    private async Task WriteAsync(TrialObservationSnapshot snapshot, CancellationToken ct)
    {
        var trial = caches.Trials.Get(snapshot.Trial.Namespace, snapshot.Trial.Trial);
        if (trial is null)
        {
            return;
        }

        if (trial.Status is { } status && TrialPhases.IsEnded(status.Phase))
        {
            // Points flushed after the result was read still complete the curve (they used to be dropped: a gap).
            if (CurveGaps.AfterLatePoints(status, snapshot.ToObservations()) is not { } late)
            {
                return;
            }

            var ended = ApiCopy.Clone(trial);
            ended.Status = late;
            await api.PatchAsync(trial, ended, status: true, ct);
            return;
        }
        // Nothing to write when the trial's own reconcile already carried these observations (PatchAsync skips empty diffs).
        await writeTrial(Kubernetes.Informers.ObjectKey.Of(trial), Observed, ct);
    }

    /// <summary>
    /// The trial as its status will read once its observations are written. Decisions read trials through this, so they
    /// act on a point as soon as it arrives while the status write waits for the flush (or rides along with the trial's
    /// next status write). Every point held is merged, flushed or not: the informer's copy may not show the last flush
    /// yet, and merging what the status already has changes nothing.
    /// </summary>
    /// <remarks>An ended trial is left as it is: its objective is its result's, and late points are the flush's (<see cref="CurveGaps"/>).</remarks>
    public Trial Observed(Trial trial)
    {
        var key = KeyOf(trial);
        if (TrialPhases.IsEnded(trial.Status?.Phase) || accumulator.GetSnapshot(key) is not { } snapshot)
        {
            return trial;
        }

        _observedAsOf[key] = snapshot.LastReceived;
        return With(trial, snapshot);
    }

    /// <summary>
    /// The trial's own reconcile wrote its status as <see cref="Observed"/> showed it: the stream up to then is written,
    /// so no flush follows for it until a new point arrives (a write of a short trial and a flush just after it were two).
    /// </summary>
    public void Written(Trial trial)
    {
        var key = KeyOf(trial);
        if (_observedAsOf.TryRemove(key, out var asOf))
        {
            accumulator.MarkWritten(key, asOf);
        }
    }

    private static TrialKey KeyOf(Trial trial) => new(trial.Metadata.NamespaceProperty, trial.Spec.JobName, trial.Metadata.Name!);

    private Trial With(Trial trial, TrialObservationSnapshot snapshot)
    {
        var job = caches.Jobs.Get(trial.Metadata.NamespaceProperty, trial.Spec.JobName);
        var spec = job is null ? null : FineTuneJobDefaults.Apply(job.Spec);
        var maximize = spec is null || spec.Direction != ObjectiveDirection.Minimize;
        var after = ApiCopy.Clone(trial);
        var s = after.Status ??= new TrialStatus();
        s.Observations = TrialObservations.Merge(s.Observations, snapshot.ToObservations());
        if (snapshot.LatestEpoch is { } epoch && epoch >= (s.Epoch ?? 0))
        {
            s.Epoch = (int)Math.Min(epoch, int.MaxValue);
        }
        // The heartbeat alone is refreshed at most every HeartbeatRefresh: a live trainer exporting every few seconds
        // must not cost a status write each time.
        if (s.LastHeartbeat is not { } hb || snapshot.LastReceived - hb >= HeartbeatRefresh(spec?.HeartbeatTimeout))
        {
            s.LastHeartbeat = snapshot.LastReceived;
        }

        if (snapshot.Best(maximize) is { } best)
        {
            s.Objective = best;
        }

        return after;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "writing observations of {Trial} failed: {Error}")]
    private static partial void LogFlushFailed(ILogger logger, string trial, string error);
}
