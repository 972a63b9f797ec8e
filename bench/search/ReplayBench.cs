using System.Globalization;

namespace ClusterTune.Search.Bench;

/// <summary>
/// Issue 16's case: the recorded learning curves swept with the knobs declared as categorical value lists and as
/// int / log-float ranges, ClusterTune and Optuna in the same run. Regret = the grid's best final accuracy in that
/// seed minus the best final accuracy a method found within the budget (accuracy points; ∞ before any trial
/// finished); configs = distinct recorded configs started within the budget.
/// </summary>
internal static class ReplayBench
{
    public static readonly double[] BudgetFractions = [0.1, 0.2, 0.4];

    public static void Run(int seeds, bool skipOptuna, EarlyStoppingConfig asha)
    {
        var curves = RecordedCurves.Load(RecordedCurves.DefaultPath);
        var gridEpochs = RecordedCurves.Configs * RecordedCurves.Epochs;
        var budgets = BudgetFractions.Select(f => (int)Math.Round(f * gridEpochs)).ToArray();
        Method[] methods =
        [
            new("asha+tpe", SamplerKind.Tpe, asha),
            new("asha+random", SamplerKind.Random, asha),
            new("tpe", SamplerKind.Tpe, EarlyStoppingConfig.None),
        ];
        (string Name, string Pruner, int Workers)[] peers = [("optuna tpe+sh", "sh", 1), ($"optuna tpe+sh ×{SweepSimulator.Workers}", "sh", SweepSimulator.Workers)];
        Console.WriteLine();
        Console.WriteLine($"== finetune-real: replayed learning curves ({RecordedCurves.Configs} configs = freezeDepth {string.Join("/", RecordedCurves.FreezeDepths)} × lrFactor {string.Join("/", RecordedCurves.LrFactors.Select(F))} × loraRank {string.Join("/", RecordedCurves.LoraRanks)}, {curves.Seeds} recorded seed(s), {RecordedCurves.Epochs} epochs; grid = {gridEpochs} trial-epochs; {seeds} bench seeds)");
        Console.WriteLine($"   regret = grid's best final accuracy − best found (points), median over seeds; configs = distinct configs started; ClusterTune {SweepSimulator.Workers} parallel trials, Optuna sequential unless ×{SweepSimulator.Workers}");
        var header = string.Join(" ", BudgetFractions.Select(f => $"{$"regret@{f:P0}",13}")) + " " + string.Join(" ", BudgetFractions.Select(f => $"{$"configs@{f:P0}",12}"));
        Console.WriteLine($"   {"declared",-12} {"method",-22} {header}");
        var at20 = Array.IndexOf(BudgetFractions, 0.2);
        var summary = new Dictionary<(bool, string), (double[] Regret, double[] Configs)>();
        foreach (var categorical in new[] { true, false })
        {
            var obj = new ReplayObjective(categorical ? "finetune-real-categorical" : "finetune-real-typed", categorical, curves);
            var optuna = skipOptuna ? [] : peers.Select(p => (p.Name, Runs: Task.Run(() => OptunaPeer.Run(obj, p.Pruner, seeds, budgets[^1], p.Workers)))).ToList();
            var rows = methods.Select(m => (m.Name, Runs: Enumerable.Range(0, seeds).Select(s => SweepSimulator.Run(obj, m, s, budgets[^1])).ToList())).ToList();
            rows.AddRange(optuna.Select(o => (o.Name, o.Runs.Result)));
            foreach (var (name, runs) in rows)
            {
                var regret = budgets.Select(b => Median(runs.Select(r => Regret(r, curves, b)))).ToArray();
                var configs = budgets.Select(b => Median(runs.Select(r => (double)r.Starts.Where(s => s.Epochs < b).Select(s => s.Config).Distinct().Count()))).ToArray();
                summary[(categorical, name)] = (regret, configs);
                Console.WriteLine($"   {(categorical ? "categorical" : "int/log"),-12} {name,-22} {string.Join(" ", regret.Select(r => $"{F2(r),13}"))} {string.Join(" ", configs.Select(c => $"{c,12:F0}"))}");
            }
        }

        foreach (var categorical in new[] { true, false })
        {
            var declared = categorical ? "categorical" : "int/log";
            var mine = summary[(categorical, "asha+tpe")];
            foreach (var peer in peers.Select(p => p.Name).Where(p => summary.ContainsKey((categorical, p))))
            {
                var them = summary[(categorical, peer)];
                Console.WriteLine($"   {declared}: asha+tpe / {peer} median regret at {BudgetFractions[at20]:P0}: {F2(mine.Regret[at20])} / {F2(them.Regret[at20])} = {Ratio(mine.Regret[at20], them.Regret[at20])}; distinct configs {mine.Configs[at20]:F0} / {them.Configs[at20]:F0} = {Ratio(mine.Configs[at20], them.Configs[at20])}");
            }
        }
    }

    private static double Regret(RunResult r, RecordedCurves curves, int budget)
    {
        var found = r.Trace.Where(t => t.Epochs <= budget).Select(t => t.Value).DefaultIfEmpty(double.NegativeInfinity).Max();
        return curves.Optimum((ulong)r.Seed) - found;
    }

    private static double Median(IEnumerable<double> xs)
    {
        var s = xs.Order().ToArray();
        if (s.Length == 0)
        {
            return double.NaN;
        }

        var (lo, hi) = (s[(s.Length - 1) / 2], s[s.Length / 2]);
        return double.IsInfinity(lo) || double.IsInfinity(hi) ? hi : (lo + hi) / 2;
    }

    private static string Ratio(double a, double b) => b > 0 && double.IsFinite(a) && double.IsFinite(b) ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    private static string F(double x) => x.ToString("G", CultureInfo.InvariantCulture);

    private static string F2(double x) => double.IsFinite(x) ? x.ToString("F2", CultureInfo.InvariantCulture) : "∞";
}
