using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>
/// A Parzen mixture: one product kernel per observed trial plus a uniform prior kernel, equal weights. A kernel's
/// width on a range is the larger gap to its neighbouring centres (Bergstra's rule, as Optuna's default TPE),
/// clipped to [1/min(100, n+1), 1], so the mixture tightens where good trials cluster; categoricals use
/// <see cref="CategoricalKernel"/> (Laplace-smoothed, ordinal over numeric value lists).
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly SearchSpace _space;
    private readonly List<double?[]> _comps;
    private readonly double[][] _sigma;
    private readonly double[][] _logNorm;
    private readonly double[][][] _probs; // [kernel][categorical parameter] → probability of each value
    private readonly double _logWeight;

    public ParzenEstimator(SearchSpace space, List<double?[]> comps)
    {
        _space = space;
        _comps = comps;
        _logWeight = -Math.Log(comps.Count + 1); // every kernel, the prior included, has the same weight
        var d = space.Parameters.Count;
        _sigma = comps.Select(_ => new double[d]).ToArray();
        _logNorm = comps.Select(_ => new double[d]).ToArray();
        _probs = comps.Select(_ => new double[d][]).ToArray();
        for (var i = 0; i < d; i++)
        {
            var p = space.Parameters[i];
            var active = Enumerable.Range(0, comps.Count).Where(j => comps[j][i] is not null).ToList();
            var mus = active.Select(j => comps[j][i]!.Value).ToList();
            var minS = 1.0 / Math.Min(100, active.Count + 1);
            if (p.Type == ParameterType.Categorical)
            {
                // A numeric list is ordered: bandwidths on its rank positions as for an int range over the ranks.
                var n = p.Values!.Count;
                var positions = CategoricalKernel.OrdinalPositions(p);
                var widths = positions is null ? null : Bandwidths(mus.Select(m => positions[(int)m]).ToList(), Math.Max(minS, 0.5 / (n - 1)));
                for (var a = 0; a < active.Count; a++)
                {
                    _probs[active[a]][i] = CategoricalKernel.Probabilities((int)mus[a], n, positions, widths?[a] ?? 1, active.Count + 1);
                }

                continue;
            }

            var step = p.Step ?? (p.Type == ParameterType.Int ? 1 : 0);
            if (step > 0 && p.Max > p.Min && p.Scale == ParameterScale.Linear)
            {
                minS = Math.Max(minS, 0.5 * step / (p.Max!.Value - p.Min!.Value));
            }

            var sigmas = Bandwidths(mus, minS);
            for (var a = 0; a < active.Count; a++)
            {
                var (j, mu, s) = (active[a], mus[a], sigmas[a]);
                _sigma[j][i] = s;
                var mass = TpeSampler.NormalCdf((1 - mu) / s) - TpeSampler.NormalCdf(-mu / s);
                _logNorm[j][i] = -Math.Log(s * Math.Sqrt(2 * Math.PI) * Math.Max(mass, 1e-12));
            }
        }
    }

    /// <summary>
    /// Bergstra's rule: each centre's width is the larger gap to its neighbouring centres (the prior's 0.5 among
    /// them), clipped to [<paramref name="minS"/>, 1].
    /// </summary>
    private static double[] Bandwidths(List<double> mus, double minS)
    {
        var centres = mus.Append(0.5).Order().ToArray();
        return mus.Select(mu =>
        {
            var k = Array.BinarySearch(centres, mu);
            var left = k > 0 ? mu - centres[k - 1] : 0;
            var right = k < centres.Length - 1 ? centres[k + 1] - mu : 0;
            return Math.Clamp(Math.Max(left, right), minS, 1.0);
        }).ToArray();
    }

    /// <summary>Per parameter: unit coordinate, category index, or null when inactive/unknown.</summary>
    public static double?[] Encode(SearchSpace space, IReadOnlyDictionary<string, object> a)
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

    public Dictionary<string, object> Sample(Rng rng)
    {
        var j = Math.Min(_comps.Count, (int)(rng.NextDouble() * (_comps.Count + 1))); // comps.Count = the prior

        var comp = j < _comps.Count ? _comps[j] : null;
        var a = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < _space.Parameters.Count; i++)
        {
            var p = _space.Parameters[i];
            if (!_space.IsActive(p, a))
            {
                continue;
            }

            var mu = comp?[i];
            if (p.Type == ParameterType.Categorical)
            {
                a[p.Name] = p.Values![mu is null ? rng.NextInt(p.Values.Count) : Draw(rng, _probs[j][i])];
            }
            else
            {
                a[p.Name] = SearchSpace.FromUnit(p, mu is { } m ? TruncatedNormal(rng, m, _sigma[j][i]) : rng.NextDouble());
            }
        }

        return a;
    }

    public double LogDensity(double?[] x)
    {
        var logs = new double[_comps.Count + 1];
        for (var j = 0; j < _comps.Count; j++)
        {
            var comp = _comps[j];
            double s = 0;
            for (var i = 0; i < x.Length; i++)
            {
                if (x[i] is not { } xi)
                {
                    continue; // inactive in x: marginalised
                }

                var p = _space.Parameters[i];
                if (comp[i] is not { } m)
                {
                    // Inactive in the kernel: the uniform prior (density 1 on a unit range, 1/n on a categorical).
                    s -= p.Type == ParameterType.Categorical ? Math.Log(p.Values!.Count) : 0;
                }
                else if (p.Type == ParameterType.Categorical)
                {
                    s += Math.Log(_probs[j][i][(int)xi]);
                }
                else
                {
                    var z = (xi - m) / _sigma[j][i];
                    s += (-0.5 * z * z) + _logNorm[j][i];
                }
            }

            logs[j] = s + _logWeight;
        }

        // The prior kernel: uniform on ranges (0), 1/n on categoricals.
        double prior = 0;
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] is not null && _space.Parameters[i].Type == ParameterType.Categorical)
            {
                prior -= Math.Log(_space.Parameters[i].Values!.Count);
            }
        }

        logs[_comps.Count] = prior + _logWeight;
        var max = logs.Max();
        var sum = 0.0;
        foreach (var v in logs)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum);
    }

    private static int Draw(Rng rng, double[] probabilities)
    {
        var u = rng.NextDouble();
        for (var k = 0; k < probabilities.Length - 1; k++)
        {
            u -= probabilities[k];
            if (u < 0)
            {
                return k;
            }
        }

        return probabilities.Length - 1;
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
}
