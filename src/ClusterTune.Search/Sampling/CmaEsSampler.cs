using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>
/// CMA-ES (Hansen's (μ/μ_w, λ) evolution strategy with rank-one and rank-μ covariance updates and cumulative step-size
/// adaptation) over the unit cube of the space's int and float ranges (log ranges in their logarithm; ints rounded to
/// their step when decoded). Stateless like every sampler: generation g is trials gλ … gλ+λ−1 by index, and the
/// distribution is rebuilt from the history by replaying every complete generation (all λ trials finished) in order.
/// A trial asked for while earlier generations are still running is drawn from the latest complete state, with its
/// own normal vector (seed, generation, slot), so pending trials differ and are told when they finish. The update
/// uses the trials' actual points, each step clipped to a Mahalanobis length of √n + 2n/(n+2) (Hansen's injected
/// solutions), so stale draws and rounded ints cannot derail it. Out-of-bounds draws are resampled up to 16 times,
/// then clipped to the box.
/// </summary>
internal sealed class CmaEsSampler : ISampler
{
    private const int Resamples = 16;
    private readonly SearchSpace _space;
    private readonly ulong _seed;
    private readonly int _n;
    private readonly int _lambda;
    private readonly double _sigma0;
    private readonly double[] _w;
    private readonly double _muEff, _cSigma, _dSigma, _cc, _c1, _cMu, _chiN;

    public CmaEsSampler(SearchSpace space, AlgorithmConfig config)
    {
        if (space.Parameters.FirstOrDefault(p => p.Type == ParameterType.Categorical) is { } cat)
        {
            throw new ArgumentException(
                $"algorithm.kind: cmaes samples int and float ranges only, and '{cat.Name}' is categorical; declare it as an int or float range, or use tpe", nameof(config));
        }

        _space = space;
        _seed = config.Seed;
        _n = space.Parameters.Count;
        _lambda = config.PopulationSize > 0 ? config.PopulationSize : 4 + (int)Math.Floor(3 * Math.Log(_n));
        _sigma0 = config.Sigma0;
        var mu = _lambda / 2;
        _w = Enumerable.Range(1, mu).Select(i => Math.Log((_lambda + 1) / 2.0) - Math.Log(i)).ToArray();
        var sum = _w.Sum();
        for (var i = 0; i < mu; i++)
        {
            _w[i] /= sum;
        }

        _muEff = 1 / _w.Sum(x => x * x);
        double n = _n;
        _cSigma = (_muEff + 2) / (n + _muEff + 5);
        _dSigma = 1 + (2 * Math.Max(0, Math.Sqrt((_muEff - 1) / (n + 1)) - 1)) + _cSigma;
        _cc = (4 + (_muEff / n)) / (n + 4 + (2 * _muEff / n));
        _c1 = 2 / (((n + 1.3) * (n + 1.3)) + _muEff);
        _cMu = Math.Min(1 - _c1, 2 * (_muEff - 2 + (1 / _muEff)) / (((n + 2) * (n + 2)) + _muEff));
        _chiN = Math.Sqrt(n) * (1 - (1 / (4 * n)) + (1 / (21 * n * n)));
    }

    /// <summary>Trials per generation (λ).</summary>
    public int PopulationSize => _lambda;

    public IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch)
    {
        var state = Replay(history);
        var generation = (ulong)(index / _lambda);
        var slot = (ulong)(index % _lambda);
        var rng = new Rng(_seed, generation, slot, 0x434D4145UL);
        var x = new double[_n];
        for (var attempt = 0; attempt <= Resamples; attempt++)
        {
            var y = state.Draw(rng);
            var inside = true;
            for (var d = 0; d < _n; d++)
            {
                x[d] = state.Mean[d] + (state.Sigma * y[d]);
                inside &= x[d] is >= 0 and <= 1;
            }

            if (inside)
            {
                break;
            }
        }

        for (var d = 0; d < _n; d++)
        {
            x[d] = Math.Clamp(x[d], 0, 1);
        }

        var a = UnitAssignment.Decode(_space, i => x[i]);
        return _space.IsFeasible(a) ? a : UnitAssignment.RandomFeasible(_space, rng);
    }

    /// <summary>The distribution after every complete generation of the history, oldest first.</summary>
    internal State Replay(IReadOnlyList<TrialView> history)
    {
        var state = new State(_n, _sigma0);
        var byIndex = history.ToDictionary(t => t.Index);
        for (var g = 0; ; g++)
        {
            var members = new List<TrialView>(_lambda);
            for (var k = 0; k < _lambda; k++)
            {
                if (!byIndex.TryGetValue((g * _lambda) + k, out var t) || t.IsActive)
                {
                    return state;
                }

                members.Add(t);
            }

            Tell(state, members, g);
        }
    }

    private void Tell(State s, List<TrialView> members, int generation)
    {
        // Best first: a trial that trained further (judged better by early stopping) before one stopped earlier, then
        // by loss; failed trials last.
        var ranked = members
            .Select(t => (Point: Point(_space, t, s.Mean), L: t.Latest()))
            .OrderBy(x => x.L is null ? 1 : 0).ThenByDescending(x => x.L?.Resource ?? 0).ThenBy(x => x.L?.Loss ?? 0)
            .Take(_w.Length)
            .Select(x => x.Point)
            .ToList();
        var cy = Math.Sqrt(_n) + (2.0 * _n / (_n + 2));
        var ys = ranked.Select(x =>
        {
            var y = new double[_n];
            for (var d = 0; d < _n; d++)
            {
                y[d] = (x[d] - s.Mean[d]) / s.Sigma;
            }

            var len = Norm(s.InvSqrt(y));
            var scale = len > cy ? cy / len : 1;
            return y.Select(v => v * scale).ToArray();
        }).ToList();
        var w = _w.Take(ys.Count).ToArray();
        var wSum = w.Sum();
        var yw = new double[_n];
        for (var i = 0; i < ys.Count; i++)
        {
            for (var d = 0; d < _n; d++)
            {
                yw[d] += w[i] / wSum * ys[i][d];
            }
        }

        for (var d = 0; d < _n; d++)
        {
            s.Mean[d] = Math.Clamp(s.Mean[d] + (s.Sigma * yw[d]), 0, 1);
        }

        var zw = s.InvSqrt(yw);
        var ks = Math.Sqrt(_cSigma * (2 - _cSigma) * _muEff);
        for (var d = 0; d < _n; d++)
        {
            s.PSigma[d] = ((1 - _cSigma) * s.PSigma[d]) + (ks * zw[d]);
        }

        var psNorm = Norm(s.PSigma);
        var hSigma = psNorm / Math.Sqrt(1 - Math.Pow(1 - _cSigma, 2 * (generation + 1))) < (1.4 + (2.0 / (_n + 1))) * _chiN ? 1.0 : 0.0;
        var kc = Math.Sqrt(_cc * (2 - _cc) * _muEff);
        for (var d = 0; d < _n; d++)
        {
            s.Pc[d] = ((1 - _cc) * s.Pc[d]) + (hSigma * kc * yw[d]);
        }

        var deltaH = (1 - hSigma) * _cc * (2 - _cc);
        for (var i = 0; i < _n; i++)
        {
            for (var j = 0; j < _n; j++)
            {
                var rankMu = 0.0;
                for (var k = 0; k < ys.Count; k++)
                {
                    rankMu += w[k] / wSum * ys[k][i] * ys[k][j];
                }

                s.C[i, j] = ((1 - _c1 - _cMu) * s.C[i, j]) + (_c1 * ((s.Pc[i] * s.Pc[j]) + (deltaH * s.C[i, j]))) + (_cMu * rankMu);
            }
        }

        s.Sigma = Math.Clamp(s.Sigma * Math.Exp(_cSigma / _dSigma * ((psNorm / _chiN) - 1)), 1e-10, 1.0);
        s.Decompose();
    }

    /// <summary>The trial's point in the unit cube (its values as stored, ints rounded); an inactive parameter sits at the mean.</summary>
    private static double[] Point(SearchSpace space, TrialView t, double[] mean) =>
        ParzenEstimator.Encode(space, t.Record.Params).Select((v, d) => v ?? mean[d]).ToArray();

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));

    /// <summary>Mean, step size, evolution paths and covariance C = B·diag(D²)·Bᵀ of one generation.</summary>
    internal sealed class State
    {
        public State(int n, double sigma0)
        {
            Mean = Enumerable.Repeat(0.5, n).ToArray();
            Sigma = sigma0;
            PSigma = new double[n];
            Pc = new double[n];
            C = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                C[i, i] = 1;
            }

            Decompose();
        }

        public double[] Mean { get; }
        public double Sigma { get; set; }
        public double[] PSigma { get; }
        public double[] Pc { get; }
        public double[,] C { get; }
        private double[] _d = [];
        private double[,] _b = new double[0, 0];

        public void Decompose()
        {
            var n = Mean.Length;
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    C[i, j] = C[j, i] = 0.5 * (C[i, j] + C[j, i]);
                }
            }

            var (values, vectors) = SymmetricEigen.Decompose(C);
            _d = values.Select(v => Math.Sqrt(Math.Max(v, 1e-20))).ToArray();
            _b = vectors;
        }

        /// <summary>y = B·D·z with z standard normal: a step with covariance C.</summary>
        public double[] Draw(Rng rng)
        {
            var n = Mean.Length;
            var z = new double[n];
            for (var i = 0; i < n; i++)
            {
                z[i] = _d[i] * rng.NextGaussian();
            }

            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    y[i] += _b[i, j] * z[j];
                }
            }

            return y;
        }

        /// <summary>C^(−1/2)·y = B·D⁻¹·Bᵀ·y.</summary>
        public double[] InvSqrt(double[] y)
        {
            var n = y.Length;
            var t = new double[n];
            for (var j = 0; j < n; j++)
            {
                for (var i = 0; i < n; i++)
                {
                    t[j] += _b[i, j] * y[i];
                }

                t[j] /= _d[j];
            }

            var r = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    r[i] += _b[i, j] * t[j];
                }
            }

            return r;
        }
    }
}
