using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// algorithm.seedsPerConfig &gt; 1: trials with the same parameters are one setting run with several seeds. The best
/// setting is the one with the best mean objective over its succeeded seeds (ties: lowest first index); its best seed
/// is the trial whose checkpoint is promoted.
/// </summary>
public static class SeedGroups
{
    /// <summary>One setting's result over its seeds.</summary>
    public sealed record Summary(Trial Best, double Mean, double StdDev, int Seeds);

    /// <summary>The best setting by mean objective, or null when no trial succeeded with a finite objective.</summary>
    public static Summary? Best(IEnumerable<Trial> trials, ObjectiveDirection direction)
    {
        var sign = direction == ObjectiveDirection.Minimize ? 1.0 : -1.0;
        return BestTrialSelector.Rank(trials, direction)
            .GroupBy(t => JobPlanner.ParamsText(t.Spec.Params), StringComparer.Ordinal)
            .Select(g => Summarize(g.ToList()))
            .OrderBy(s => sign * s.Mean)
            .ThenBy(s => s.Best.Spec.Index)
            .FirstOrDefault();
    }

    /// <summary>Mean and sample standard deviation (0 for one seed) of a setting's ranked trials, best first.</summary>
    private static Summary Summarize(List<Trial> ranked)
    {
        var values = ranked.Select(t => t.Status!.Objective!.Value).ToList();
        var mean = values.Average();
        var sd = values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new Summary(ranked[0], mean, sd, values.Count);
    }
}
