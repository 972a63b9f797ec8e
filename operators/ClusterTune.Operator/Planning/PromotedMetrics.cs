using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// The metrics a promoted checkpoint's provenance records: those of the epoch the checkpoint was saved at (its
/// manifest's epoch and metrics), never the trial's final-epoch metrics next to its best-epoch objective. Pure.
/// </summary>
public static class PromotedMetrics
{
    /// <summary>Where the recorded metrics came from.</summary>
    public const string FromManifest = "checkpoint manifest";

    /// <summary>The fallback when the manifest records no metrics.</summary>
    public const string ObjectiveOnly = "objective only: the checkpoint manifest records no metrics";

    /// <summary>The promoted epoch, its metrics, and their source.</summary>
    public sealed record Result(int? Epoch, Dictionary<string, double> Metrics, string Source);

    /// <summary>
    /// From the checkpoint manifest's epoch and metrics when it has them; otherwise the objective alone, at the epoch
    /// of the manifest or of the curve point equal to the objective.
    /// </summary>
    public static Result Of(int? manifestEpoch, IReadOnlyDictionary<string, double>? manifestMetrics, TrialStatus status, string metric)
    {
        var finite = manifestMetrics?.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value);
        if (finite is { Count: > 0 })
        {
            return new Result(manifestEpoch, finite, FromManifest);
        }

        var objective = status.Objective;
        var epoch = manifestEpoch ?? status.Observations?.Where(o => objective is { } v && o.Value.Equals(v)).Select(o => (int?)o.Epoch).FirstOrDefault();
        return new Result(epoch, objective is { } x ? new Dictionary<string, double> { [metric] = x } : [], ObjectiveOnly);
    }
}
