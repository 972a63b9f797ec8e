using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Scheduling;

/// <summary>
/// Median stopping rule: a running trial whose best loss up to its latest step s is worse than the median of the
/// other trials' best losses up to s stops, once at least MinTrials others reached s and s ≥ WarmupSteps.
/// </summary>
internal static class MedianStoppingRule
{
    public static IEnumerable<TrialStop> Stops(IReadOnlyList<TrialView> trials, IEnumerable<TrialView> running, EarlyStoppingConfig cfg)
    {
        foreach (var t in running)
        {
            if (t.Points.Length == 0)
            {
                continue;
            }

            var s = t.MaxStep;
            if (s < cfg.WarmupSteps)
            {
                continue;
            }

            var mine = t.BestLossUpTo(s)!.Value;
            var peers = trials
                .Where(o => o.Index != t.Index && !o.IsFailed && o.MaxStep >= s - 1e-9)
                .Select(o => o.BestLossUpTo(s))
                .Where(v => v is not null)
                .Select(v => v!.Value)
                .Order()
                .ToArray();
            if (peers.Length < Math.Max(1, cfg.MinTrials))
            {
                continue;
            }

            var median = Quantile.Of(peers, 0.5);
            if (mine > median)
            {
                yield return new TrialStop(t.Index, TrialStopReason.EarlyStopped, $"best value by step {s:G6} is worse than the median of {peers.Length} other trials");
            }
        }
    }
}
