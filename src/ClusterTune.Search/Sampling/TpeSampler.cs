using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>
/// Multivariate Tree-structured Parzen Estimator. With early stopping, trials reach different resources: finished
/// trials are ranked by the resource they reached (further first, clipped at the highest level the good set can fill),
/// then by their loss there, as Optuna ranks pruned trials. The best ⌈γ·n⌉ (≤ 25) form the "good" density l(x); the rest and every running, pending or just-suggested
/// trial (constant liar: assumed bad) form g(x). Each density mixes one product kernel per trial with a uniform prior;
/// kernels are truncated Gaussians in unit space for ranges and <see cref="CategoricalKernel"/>s for categoricals, and a parameter
/// inactive in a kernel but active in x contributes the prior, which is how conditional parameters are handled. The
/// suggestion is the feasible candidate drawn from l with the highest log l − log g.
/// </summary>
internal sealed class TpeSampler(SearchSpace space, AlgorithmConfig config) : ISampler
{
    public IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch)
    {
        var rng = new Rng(config.Seed, (ulong)index, 0x545045UL);
        var finished = history
            .Where(t => !t.IsActive && t.Latest() is not null)
            .Select(t => (t.Index, View: t, Enc: ParzenEstimator.Encode(space, t.Record.Params), L: t.Latest()!.Value))
            .ToList();
        if (finished.Count < Math.Max(1, config.StartupTrials))
        {
            return UnitAssignment.RandomFeasible(space, rng);
        }

        // Multi-fidelity: a trial that trained further outranks any that stopped earlier, as Optuna ranks pruned trials,
        // but only up to the level the good set can fill: resources are clipped at the highest level at least nGood
        // trials reached, and trials at or past it are compared by their loss there. So two trials that happened to be
        // promoted early do not fill the good set ahead of better trials at a lower rung (like against like, as BOHB).
        var nGood = Math.Clamp((int)Math.Ceiling(config.Gamma * finished.Count), 1, 25);
        var clip = finished.Select(x => x.L.Resource).OrderDescending().ElementAt(nGood - 1);
        var ranked = finished
            .Select(x => (x.Enc, x.Index, R: Math.Min(x.L.Resource, clip), Loss: x.L.Resource >= clip ? x.View.LossAtRung(clip) ?? x.L.Loss : x.L.Loss))
            .OrderByDescending(x => x.R).ThenBy(x => x.Loss).ThenBy(x => x.Index)
            .Select(x => x.Enc)
            .ToList();
        var good = ranked.Take(nGood).ToList();

        var bad = ranked.Skip(nGood)
            .Concat(history.Where(t => t.IsActive).Select(t => ParzenEstimator.Encode(space, t.Record.Params)))
            .Concat(batch.Select(b => ParzenEstimator.Encode(space, b)))
            .ToList();
        var l = new ParzenEstimator(space, good);
        var g = new ParzenEstimator(space, bad);

        Dictionary<string, object>? best = null;
        var bestScore = double.NegativeInfinity;
        var candidates = Math.Max(1, config.Candidates);
        for (var c = 0; c < candidates * 8 && (c < candidates || best is null); c++)
        {
            var x = l.Sample(rng);
            if (!space.IsFeasible(x))
            {
                continue;
            }

            var enc = ParzenEstimator.Encode(space, x);
            var score = l.LogDensity(enc) - g.LogDensity(enc);
            if (best is null || score > bestScore)
            {
                best = x;
                bestScore = score;
            }
        }

        return best ?? UnitAssignment.RandomFeasible(space, rng);
    }

    /// <summary>Standard normal CDF via erfc (Numerical Recipes' Chebyshev fit, relative error below 1.2e-7).</summary>
    internal static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + (0.5 * z));
        double[] c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var poly = 0.0;
        for (var k = c.Length - 1; k >= 0; k--)
        {
            poly = c[k] + (t * poly);
        }

        var r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2.0 - r;
    }
}
