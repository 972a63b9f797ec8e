using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Scheduling;

/// <summary>
/// Asynchronous successive halving over one bracket (ASHA) or several (Hyperband). Bracket b has rungs at
/// MinResource·Eta^(k+b) below the maximum resource; a trial's bracket is a pure function of its index (a weighted
/// cycle giving each bracket about the same resource, as Hyperband does). Stop mode: a running trial whose loss at
/// its highest rung is above the 1/Eta quantile of every loss recorded at that rung stops. Promote mode: trials
/// train to their rung and pause; a paused trial in the top ⌊n/Eta⌋ of its rung resumes to the next rung.
/// </summary>
internal sealed class AshaScheduler
{
    private const double Eps = 1e-9;
    private readonly EarlyStoppingConfig cfg;
    private readonly double maxResource;
    private readonly double[][] rungs;
    private readonly int[] cycle;

    public AshaScheduler(EarlyStoppingConfig cfg, double maxResource)
    {
        this.cfg = cfg;
        this.maxResource = maxResource;
        var s = (int)Math.Floor((Math.Log(maxResource / cfg.MinResource) / Math.Log(cfg.Eta)) + 1e-9);
        var brackets = cfg.Kind == EarlyStoppingKind.Hyperband ? Math.Clamp(s + 1, 1, Math.Max(1, cfg.MaxBrackets)) : 1;
        rungs = new double[brackets][];
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

            rungs[b] = [.. list];
        }

        // Hyperband's bracket sizes n_b = ceil((S+1)/(S-b+1)·eta^(S-b)) interleaved smoothly into one cycle.
        var weights = Enumerable.Range(0, brackets).Select(b => (int)Math.Ceiling((s + 1.0) / (s - b + 1) * Math.Pow(cfg.Eta, s - b))).ToArray();
        var credit = new double[brackets];
        var total = weights.Sum();
        cycle = new int[total];
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
            cycle[i] = pick;
        }
    }

    public int BracketCount => rungs.Length;

    public IReadOnlyList<double> Rungs(int bracket) => rungs[bracket];

    public int BracketOf(int index) => cycle[((index % cycle.Length) + cycle.Length) % cycle.Length];

    /// <summary>Resource a new trial trains to: its first rung in promote mode, else the full resource.</summary>
    public double FirstBudget(int bracket) => cfg.Mode == AshaMode.Promote && rungs[bracket].Length > 0 ? rungs[bracket][0] : maxResource;

    public IEnumerable<TrialStop> Stops(IReadOnlyList<TrialView> trials, IEnumerable<TrialView> running)
    {
        foreach (var t in running)
        {
            var b = BracketOf(t.Index);
            var k = HighestRung(t, b);
            if (k < 0)
            {
                continue;
            }

            var r = rungs[b][k];
            var mine = t.LossAtRung(r)!.Value;
            var all = Members(trials, b, r).Select(x => x.Loss).Order().ToArray();
            var cutoff = Quantile.Of(all, 1.0 / cfg.Eta);
            if (mine > cutoff)
            {
                yield return new TrialStop(t.Index, TrialStopReason.EarlyStopped, $"not in the top 1/{cfg.Eta:G4} of {all.Length} trials at rung {r:G6}");
            }
        }
    }

    /// <summary>Promote mode: running trials that reached their budget below the maximum, to pause.</summary>
    public IEnumerable<TrialPause> Pauses(IEnumerable<TrialView> running) =>
        running.Where(t => t.Budget < maxResource - Eps && t.Points.Length > 0 && t.MaxStep >= t.Budget - Eps)
            .Select(t => new TrialPause(t.Index, t.Budget));

    /// <summary>Promote mode: paused trials to resume, highest rung first then best loss first.</summary>
    public IEnumerable<TrialResume> Promotions(IReadOnlyList<TrialView> trials)
    {
        var found = new List<(double Rung, double Loss, int Index, double Budget)>();
        for (var b = 0; b < rungs.Length; b++)
        {
            for (var k = rungs[b].Length - 1; k >= 0; k--)
            {
                var r = rungs[b][k];
                var members = Members(trials, b, r).OrderBy(x => x.Loss).ThenBy(x => x.Trial.Index).ToList();
                var quota = (int)Math.Floor(members.Count / cfg.Eta);
                foreach (var m in members.Take(quota))
                {
                    if (IsPausedAt(m.Trial, r))
                    {
                        found.Add((r, m.Loss, m.Trial.Index, k + 1 < rungs[b].Length ? rungs[b][k + 1] : maxResource));
                    }
                }
            }
        }

        return found.OrderByDescending(f => f.Rung).ThenBy(f => f.Loss).ThenBy(f => f.Index).Select(f => new TrialResume(f.Index, f.Budget));
    }

    /// <summary>A trial that stopped at a rung with a checkpoint and has not been promoted past it.</summary>
    public bool IsPausedAt(TrialView t, double rung) =>
        !t.IsFailed && t.Budget <= rung + Eps && t.Budget < maxResource - Eps &&
        (t.Status == TrialStatus.Paused || t.Status == TrialStatus.Succeeded);

    private int HighestRung(TrialView t, int b)
    {
        var k = -1;
        for (var i = 0; i < rungs[b].Length; i++)
        {
            if (t.Points.Length > 0 && t.MaxStep >= rungs[b][i] - Eps)
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
