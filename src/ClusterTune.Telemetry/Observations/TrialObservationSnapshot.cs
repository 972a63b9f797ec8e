using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Telemetry.Observations;

/// <summary>What the operator needs of one trial's metric stream: rungs, latest values and counters.</summary>
/// <param name="Trial">The trial.</param>
/// <param name="ObjectiveMetric">The eval metric name used as objective (clustertune.eval.metric{metric=…}), or null when unknown.</param>
/// <param name="Rungs">Objective value per epoch, ascending by epoch; at most one per epoch.</param>
/// <param name="LatestObjective">Latest objective value by point time.</param>
/// <param name="LatestEpoch">Latest clustertune.train.epoch.</param>
/// <param name="LatestStep">Latest clustertune.train.step.</param>
/// <param name="LatestTrainLoss">Latest clustertune.train.loss.</param>
/// <param name="LatestEvalMetrics">Latest clustertune.eval.metric value per metric attribute.</param>
/// <param name="CounterTotals">Cumulative Sums corrected for resets, keyed by series (name or name{k=v,…}).</param>
/// <param name="LastPointTimeUnixNano">Largest point time seen.</param>
/// <param name="LastReceived">When the last accepted point arrived (TimeProvider clock), for the stuck-trial watchdog.</param>
/// <param name="PointsAccepted">Points taken into the state.</param>
/// <param name="Duplicates">Points ignored as already seen (same series and time).</param>
/// <param name="OutOfOrder">Points older than their series' latest (kept for rungs, not for latest values).</param>
/// <param name="CounterResets">Cumulative Sum resets detected (start_time changed, e.g. trainer restarted).</param>
public sealed record TrialObservationSnapshot(
    TrialKey Trial,
    string? ObjectiveMetric,
    IReadOnlyList<RungObservation> Rungs,
    double? LatestObjective,
    long? LatestEpoch,
    long? LatestStep,
    double? LatestTrainLoss,
    IReadOnlyDictionary<string, double> LatestEvalMetrics,
    IReadOnlyDictionary<string, double> CounterTotals,
    ulong LastPointTimeUnixNano,
    DateTimeOffset LastReceived,
    long PointsAccepted,
    long Duplicates,
    long OutOfOrder,
    long CounterResets)
{
    /// <summary>
    /// The rungs as Trial status observations (finite values, epochs 0..int.MaxValue), ready for
    /// <see cref="TrialObservations.Merge"/>.
    /// </summary>
    public IReadOnlyList<Observation> ToObservations() =>
        Rungs.Where(r => double.IsFinite(r.Value) && r.Epoch is >= 0 and <= int.MaxValue)
            .Select(r => new Observation { Epoch = (int)r.Epoch, Step = r.Step is >= 0 ? r.Step : null, Value = r.Value })
            .ToArray();

    /// <summary>Best finite rung value for the direction, or null when there is none.</summary>
    public double? Best(bool maximize)
    {
        double? best = null;
        foreach (var r in Rungs)
        {
            if (double.IsFinite(r.Value) && (best is null || (maximize ? r.Value > best : r.Value < best)))
            {
                best = r.Value;
            }
        }
        return best;
    }
}
