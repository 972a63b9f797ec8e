using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Scheduling;

/// <summary>
/// Asynchronous successive halving over one bracket (ASHA) or several (Hyperband). Bracket b has rungs at
/// MinResource·Eta^(k+b) below the maximum resource; a trial's bracket is a pure function of its index (a weighted
/// cycle giving each bracket about the same resource, as Hyperband does). Stop mode: a running trial whose loss at
/// its highest rung is above the 1/Eta quantile of every loss recorded at that rung stops. Promote mode: trials
/// train to their rung and pause; a paused trial in the top ⌊n/Eta⌋ of its rung resumes to the next rung.
/// Misleading rungs (crossing learning curves): a rung whose losses rank trials no better than chance against the
/// highest level that at least <see cref="MinRankPairs"/> trials reached (Kendall's τ ≤ 0 over the trials observed at
/// both) is not trusted, nor is any rung below it: new trials start at the lowest trusted rung, and no trial is
/// stopped or promoted on an untrusted rung. Every trial reports every epoch, so the pairs come from all trials
/// that trained past both levels. Judged from the history at every decision, like everything else.
/// </summary>
internal sealed class AshaScheduler
{
    /// <summary>Trials observed at both a rung and a higher level before the rung's ranking is judged.</summary>
    internal const int MinRankPairs = 6;

    private const double Eps = 1e-9;
    private readonly EarlyStoppingConfig _cfg;
    private readonly double _maxResource;
    private readonly double[][] _rungs;
    private readonly int[] _cycle;
    private readonly double[] _levelsHighestFirst;

    public AshaScheduler(EarlyStoppingConfig cfg, double maxResource)
    {
        _cfg = cfg;
        _maxResource = maxResource;
        var s = (int)Math.Floor((Math.Log(maxResource / cfg.MinResource) / Math.Log(cfg.Eta)) + 1e-9);
        var brackets = cfg.Kind == EarlyStoppingKind.Hyperband ? Math.Clamp(s + 1, 1, Math.Max(1, cfg.MaxBrackets)) : 1;
        _rungs = new double[brackets][];
        for (var b = 0; b < brackets; b++)
        {
            var list = new List<double>();
            for (var k = 0; ; k++)
            {
                var r = cfg.MinResource * Math.Pow(cfg.Eta, k + b);
                if (r >= maxResource - Eps)
                {
                    break;
                }

                list.Add(r);
            }

            _rungs[b] = [.. list];
        }

        _levelsHighestFirst = [.. _rungs.SelectMany(r => r).Append(maxResource).Distinct().OrderDescending()];

        // Hyperband's bracket sizes n_b = ceil((S+1)/(S-b+1)·eta^(S-b)) interleaved smoothly into one cycle.
        var weights = Enumerable.Range(0, brackets).Select(b => (int)Math.Ceiling((s + 1.0) / (s - b + 1) * Math.Pow(cfg.Eta, s - b))).ToArray();
        var credit = new double[brackets];
        var total = weights.Sum();
        _cycle = new int[total];
        for (var i = 0; i < total; i++)
        {
            var pick = 0;
            for (var b = 0; b < brackets; b++)
            {
                credit[b] += weights[b];
                if (credit[b] > credit[pick])
                {
                    pick = b;
                }
            }

            credit[pick] -= total;
            _cycle[i] = pick;
        }
    }

    public int BracketCount => _rungs.Length;

    public IReadOnlyList<double> Rungs(int bracket) => _rungs[bracket];

    public int BracketOf(int index) => _cycle[((index % _cycle.Length) + _cycle.Length) % _cycle.Length];

    /// <summary>Per bracket, the index of its lowest trusted rung (= its rung count when none is trusted).</summary>
    public int[] TrustedFrom(IReadOnlyList<TrialView> trials)
    {
        var misleading = new Dictionary<double, bool>();
        var first = new int[_rungs.Length];
        for (var b = 0; b < _rungs.Length; b++)
        {
            for (var k = _rungs[b].Length - 1; k >= 0; k--)
            {
                var r = _rungs[b][k];
                if (!misleading.TryGetValue(r, out var m))
                {
                    misleading[r] = m = Misleads(trials, r);
                }

                if (m)
                {
                    first[b] = k + 1;
                    break;
                }
            }
        }

        return first;
    }

    /// <summary>Resource a new trial trains to: its lowest trusted rung in promote mode, else the full resource.</summary>
    public double FirstBudget(int bracket, int[] trustedFrom) =>
        _cfg.Mode == AshaMode.Promote && trustedFrom[bracket] < _rungs[bracket].Length ? _rungs[bracket][trustedFrom[bracket]] : _maxResource;

    public IEnumerable<TrialStop> Stops(IReadOnlyList<TrialView> trials, IEnumerable<TrialView> running, int[] trustedFrom)
    {
        foreach (var t in running)
        {
            var b = BracketOf(t.Index);
            var k = HighestRung(t, b);
            if (k < trustedFrom[b])
            {
                continue;
            }

            var r = _rungs[b][k];
            var mine = t.LossAtRung(r)!.Value;
            var all = Members(trials, b, r).Select(x => x.Loss).Order().ToArray();
            var cutoff = Quantile.Of(all, 1.0 / _cfg.Eta);
            if (mine > cutoff)
            {
                yield return new TrialStop(t.Index, TrialStopReason.EarlyStopped, $"not in the top 1/{_cfg.Eta:G4} of {all.Length} trials at rung {r:G6}");
            }
        }
    }

    /// <summary>Promote mode: running trials that reached their budget below the maximum, to pause.</summary>
    public IEnumerable<TrialPause> Pauses(IEnumerable<TrialView> running) =>
        running.Where(t => t.Budget < _maxResource - Eps && t.Points.Length > 0 && t.MaxStep >= t.Budget - Eps)
            .Select(t => new TrialPause(t.Index, t.Budget));

    /// <summary>Promote mode: paused trials to resume, highest rung first then best loss first.</summary>
    public IEnumerable<TrialResume> Promotions(IReadOnlyList<TrialView> trials, int[] trustedFrom)
    {
        var found = new List<(double Rung, double Loss, int Index, double Budget)>();
        for (var b = 0; b < _rungs.Length; b++)
        {
            for (var k = _rungs[b].Length - 1; k >= trustedFrom[b]; k--)
            {
                var r = _rungs[b][k];
                var members = Members(trials, b, r).OrderBy(x => x.Loss).ThenBy(x => x.Trial.Index).ToList();
                var quota = (int)Math.Floor(members.Count / _cfg.Eta);
                foreach (var m in members.Take(quota))
                {
                    if (IsPausedAt(m.Trial, r))
                    {
                        found.Add((r, m.Loss, m.Trial.Index, k + 1 < _rungs[b].Length ? _rungs[b][k + 1] : _maxResource));
                    }
                }
            }
        }

        return found.OrderByDescending(f => f.Rung).ThenBy(f => f.Loss).ThenBy(f => f.Index).Select(f => new TrialResume(f.Index, f.Budget));
    }

    /// <summary>A trial that stopped at a rung with a checkpoint and has not been promoted past it.</summary>
    public bool IsPausedAt(TrialView t, double rung) =>
        !t.IsFailed && t.Budget <= rung + Eps && t.Budget < _maxResource - Eps &&
        (t.Status == TrialStatus.Paused || t.Status == TrialStatus.Succeeded);

    /// <summary>True when the losses at <paramref name="rung"/> rank no better than chance (τ ≤ 0) against the highest
    /// level that at least <see cref="MinRankPairs"/> trials reached after it.</summary>
    private bool Misleads(IReadOnlyList<TrialView> trials, double rung)
    {
        foreach (var level in _levelsHighestFirst.Where(l => l > rung + Eps))
        {
            var pairs = new List<(double AtRung, double AtLevel)>();
            foreach (var t in trials)
            {
                if (!t.IsFailed && t.LossAtRung(level) is { } atLevel && t.LossAtRung(rung) is { } atRung)
                {
                    pairs.Add((atRung, atLevel));
                }
            }

            if (pairs.Count >= MinRankPairs)
            {
                return KendallTau(pairs) <= 0;
            }
        }

        return false;
    }

    /// <summary>Kendall's τ-a: (concordant − discordant pairs) / all pairs; ties count as neither.</summary>
    internal static double KendallTau(IReadOnlyList<(double X, double Y)> points)
    {
        long score = 0;
        for (var i = 0; i < points.Count; i++)
        {
            for (var j = i + 1; j < points.Count; j++)
            {
                score += Math.Sign(points[i].X - points[j].X) * Math.Sign(points[i].Y - points[j].Y);
            }
        }

        var n = (long)points.Count;
        return n < 2 ? 0 : score / (n * (n - 1) / 2.0);
    }

    private int HighestRung(TrialView t, int b)
    {
        var k = -1;
        for (var i = 0; i < _rungs[b].Length; i++)
        {
            if (t.Points.Length > 0 && t.MaxStep >= _rungs[b][i] - Eps)
            {
                k = i;
            }
        }

        return k;
    }

    private IEnumerable<(TrialView Trial, double Loss)> Members(IReadOnlyList<TrialView> trials, int b, double r) =>
        trials.Where(o => !o.IsFailed && BracketOf(o.Index) == b)
            .Select(o => (Trial: o, Loss: o.LossAtRung(r)))
            .Where(x => x.Loss is not null)
            .Select(x => (x.Trial, x.Loss!.Value));
}
