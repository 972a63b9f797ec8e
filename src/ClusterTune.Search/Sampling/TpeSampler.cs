using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>
/// Multivariate Tree-structured Parzen Estimator. Finished trials are ranked by (furthest resource reached, then loss)
/// so trials that survived more rungs count as better (as Optuna does with pruned trials); the best ⌈γ·n⌉ (≤ 25) form
/// the "good" density l(x), the rest plus every running, pending or just-suggested trial (constant liar: assumed bad)
/// form g(x). Each density is a mixture of one product kernel per trial plus a broad prior; kernels are truncated
/// Gaussians in unit space for ranges and smoothed indicators for categoricals, and a parameter inactive in a kernel
/// but active in x contributes the prior, which is how conditional parameters are handled. The suggestion is the
/// feasible candidate drawn from l with the highest log l − log g.
/// </summary>
internal sealed class TpeSampler(SearchSpace space, AlgorithmConfig config) : ISampler
{
    private const double CategoricalSmoothing = 0.2;

    public IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch)
    {
        var rng = new Rng(config.Seed, (ulong)index, 0x545045UL);
        var finished = history
            .Where(t => !t.IsActive && t.Latest() is not null)
            .Select(t => (t.Index, Enc: Encode(t.Record.Params), L: t.Latest()!.Value))
            .OrderByDescending(x => x.L.Resource).ThenBy(x => x.L.Loss).ThenBy(x => x.Index)
            .ToList();
        if (finished.Count < Math.Max(1, config.StartupTrials))
        {
            return UnitAssignment.RandomFeasible(space, rng);
        }

        var nGood = Math.Clamp((int)Math.Ceiling(config.Gamma * finished.Count), 1, 25);
        var good = finished.Take(nGood).Select(x => x.Enc).ToList();
        var bad = finished.Skip(nGood).Select(x => x.Enc)
            .Concat(history.Where(t => t.IsActive).Select(t => Encode(t.Record.Params)))
            .Concat(batch.Select(Encode))
            .ToList();
        var l = new Parzen(space, good);
        var g = new Parzen(space, bad);

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

            var enc = Encode(x);
            var score = l.LogDensity(enc) - g.LogDensity(enc);
            if (best is null || score > bestScore)
            {
                best = x;
                bestScore = score;
            }
        }

        return best ?? UnitAssignment.RandomFeasible(space, rng);
    }

    /// <summary>Per parameter: unit coordinate, category index, or null when inactive/unknown.</summary>
    private double?[] Encode(IReadOnlyDictionary<string, object> a)
    {
        var e = new double?[space.Parameters.Count];
        for (var i = 0; i < e.Length; i++)
        {
            var p = space.Parameters[i];
            if (!a.TryGetValue(p.Name, out var v))
            {
                continue;
            }

            if (p.Type == ParameterType.Categorical)
            {
                var k = -1;
                for (var j = 0; j < p.Values!.Count; j++)
                {
                    if (SearchSpace.ValuesEqual(p.Values[j], v))
                    {
                        k = j;
                        break;
                    }
                }

                e[i] = k >= 0 ? k : null;
            }
            else if (SearchSpace.TryNumber(v, out var d) && double.IsFinite(d) && (p.Scale == ParameterScale.Linear || d > 0))
            {
                e[i] = SearchSpace.ToUnit(p, d);
            }
        }

        return e;
    }

    /// <summary>A Parzen mixture: one kernel per observed trial plus a prior kernel, equal weights.</summary>
    private sealed class Parzen
    {
        private readonly SearchSpace space;
        private readonly List<double?[]> comps;
        private readonly double[] sigma;

        public Parzen(SearchSpace space, List<double?[]> comps)
        {
            this.space = space;
            this.comps = comps;
            var d = space.Parameters.Count;
            sigma = new double[d];
            for (var i = 0; i < d; i++)
            {
                var p = space.Parameters[i];
                var n = Math.Max(1, comps.Count(c => c[i] is not null));
                var s = 0.2 * Math.Pow(n, -1.0 / (d + 4));
                var minS = 0.01;
                if (p.Type != ParameterType.Categorical && (p.Step ?? (p.Type == ParameterType.Int ? 1 : 0)) is var step && step > 0 && p.Max > p.Min)
                {
                    minS = Math.Max(minS, 0.5 * step / (p.Max!.Value - p.Min!.Value) * (p.Scale == ParameterScale.Log ? 0.5 : 1));
                }

                sigma[i] = Math.Clamp(s, minS, 1.0);
            }
        }

        public Dictionary<string, object> Sample(Rng rng)
        {
            var j = rng.NextInt(comps.Count + 1); // index comps.Count = the prior
            var comp = j < comps.Count ? comps[j] : null;
            var a = new Dictionary<string, object>(StringComparer.Ordinal);
            for (var i = 0; i < space.Parameters.Count; i++)
            {
                var p = space.Parameters[i];
                if (!space.IsActive(p, a))
                {
                    continue;
                }

                var mu = comp?[i];
                if (p.Type == ParameterType.Categorical)
                {
                    var n = p.Values!.Count;
                    var k = mu is { } m && rng.NextDouble() >= CategoricalSmoothing ? (int)m : rng.NextInt(n);
                    a[p.Name] = p.Values[Math.Min(k, n - 1)];
                }
                else
                {
                    a[p.Name] = SearchSpace.FromUnit(p, mu is { } m ? TruncatedNormal(rng, m, sigma[i]) : rng.NextDouble());
                }
            }

            return a;
        }

        public double LogDensity(double?[] x)
        {
            var logs = new double[comps.Count + 1];
            for (var j = 0; j <= comps.Count; j++)
            {
                var comp = j < comps.Count ? comps[j] : null;
                double s = 0;
                for (var i = 0; i < x.Length; i++)
                {
                    if (x[i] is not { } xi)
                    {
                        continue; // inactive in x: marginalised out
                    }

                    var p = space.Parameters[i];
                    var mu = comp?[i];
                    if (p.Type == ParameterType.Categorical)
                    {
                        var n = p.Values!.Count;
                        s += Math.Log(mu is { } m ? ((Math.Abs(m - xi) < 0.5 ? 1 - CategoricalSmoothing : 0) + (CategoricalSmoothing / n)) : 1.0 / n);
                    }
                    else
                    {
                        s += mu is { } m ? LogTruncatedNormal(xi, m, sigma[i]) : 0; // the prior is uniform on [0, 1]
                    }
                }

                logs[j] = s;
            }

            var max = logs.Max();
            return max + Math.Log(logs.Sum(v => Math.Exp(v - max)) / logs.Length);
        }

        private static double TruncatedNormal(Rng rng, double mu, double sigma)
        {
            for (var t = 0; t < 64; t++)
            {
                var u = mu + (sigma * rng.NextGaussian());
                if (u is >= 0 and <= 1)
                {
                    return u;
                }
            }

            return rng.NextDouble();
        }

        private static double LogTruncatedNormal(double x, double mu, double sigma)
        {
            var z = (x - mu) / sigma;
            var mass = NormalCdf((1 - mu) / sigma) - NormalCdf(-mu / sigma);
            return (-0.5 * z * z) - Math.Log(sigma * Math.Sqrt(2 * Math.PI) * Math.Max(mass, 1e-12));
        }
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
