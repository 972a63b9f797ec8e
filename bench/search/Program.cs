using System.Diagnostics;
using System.Globalization;
using ClusterTune.Search;
using ClusterTune.Search.Bench;

// `make bench-search`: sweep efficiency of ClusterTune's samplers and schedulers against grid search and Optuna at
// equal trial-epoch budgets over several seeds. Not a test: it prints figures and ratios measured in this run.
var seeds = 30; // as `make bench-search` (SEARCH_BENCH_SEEDS)
var only = new HashSet<string>(StringComparer.Ordinal);
var onlyMethods = new HashSet<string>(StringComparer.Ordinal);
var skipOptuna = false;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--seeds" && i + 1 < args.Length)
    {
        seeds = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--skip-optuna")
    {
        skipOptuna = true;
    }
    else if (args[i] == "--objectives" && i + 1 < args.Length)
    {
        only.UnionWith(args[++i].Split(','));
    }
    else if (args[i] == "--methods" && i + 1 < args.Length)
    {
        onlyMethods.UnionWith(args[++i].Split(','));
    }
}

if (!skipOptuna && OptunaPeer.MissingOptuna() is { } missing)
{
    Console.Error.WriteLine($"bench-search: {missing}");
    return 2;
}

var (points, diff) = OptunaPeer.CheckAgreement();
Console.WriteLine($"objective agreement C# vs optuna_runner.py: {points} points, max |diff| = {diff:E2}");
if (diff > 1e-9)
{
    Console.Error.WriteLine("the Python objectives differ from the C# ones; fix optuna_runner.py before comparing");
    return 1;
}

var asha = new EarlyStoppingConfig(EarlyStoppingKind.Asha) { MinResource = 1, Eta = 3, Mode = AshaMode.Promote };
Method[] methods =
[
    new("random", SamplerKind.Random, EarlyStoppingConfig.None),
    new("sobol", SamplerKind.Sobol, EarlyStoppingConfig.None),
    new("tpe", SamplerKind.Tpe, EarlyStoppingConfig.None),
    new("median+tpe", SamplerKind.Tpe, new EarlyStoppingConfig(EarlyStoppingKind.Median)),
    new("asha+random", SamplerKind.Random, asha),
    new("asha+tpe", SamplerKind.Tpe, asha),
    new("asha+tpe sequential", SamplerKind.Tpe, asha, Workers: 1),
    new("asha-stop+tpe", SamplerKind.Tpe, asha with { Mode = AshaMode.Stop }),
    new("hyperband+tpe", SamplerKind.Tpe, asha with { Kind = EarlyStoppingKind.Hyperband }),
    // CMA-ES samples int and float ranges only: run on the objectives without categorical parameters.
    new("cmaes", SamplerKind.CmaEs, EarlyStoppingConfig.None),
    new("cmaes sequential", SamplerKind.CmaEs, EarlyStoppingConfig.None, Workers: 1),
    new("asha+cmaes", SamplerKind.CmaEs, asha),
];

string[] cmaPeers = ["random", "tpe", "cmaes sequential", "optuna cmaes", "optuna tpe"];
BenchObjective[] objectives = [new Branin(), new Hartmann6(), new FineTuneCurves()];
foreach (var obj in objectives.Where(o => only.Count == 0 || only.Contains(o.Name)))
{
    var sw = Stopwatch.StartNew();
    var gridCfg = new Method("grid", SamplerKind.Grid, EarlyStoppingConfig.None);
    var grid = Enumerable.Range(0, seeds).Select(s => SweepSimulator.Run(obj, gridCfg, s, int.MaxValue)).ToList();
    var gridEpochs = grid[0].Epochs;
    var budget = Math.Min(obj.Budget, gridEpochs);
    // Optuna runs in its own processes while the ClusterTune methods run here: sequentially (one trial at a time), and
    // with the named pruners also as 4 workers sharing the study, ClusterTune's parallelism.
    var continuous = obj.Space.Parameters.All(p => p.Type != ParameterType.Categorical);
    (string Name, string Pruner, int Workers, string Sampler)[] peers =
    [
        ("optuna tpe+hyperband", "hyperband", 1, "tpe"), ("optuna tpe+median", "median", 1, "tpe"), ("optuna tpe", "none", 1, "tpe"),
        ($"optuna tpe+hyperband ×{SweepSimulator.Workers}", "hyperband", SweepSimulator.Workers, "tpe"),
        ($"optuna tpe+median ×{SweepSimulator.Workers}", "median", SweepSimulator.Workers, "tpe"),
        .. continuous ? new[] { ("optuna cmaes", "none", 1, "cmaes") } : [],
    ];
    var optuna = skipOptuna ? [] : peers.Select(p => (p.Name, p.Workers, Runs: Task.Run(() => OptunaPeer.Run(obj, p.Pruner, seeds, budget, p.Workers, p.Sampler)))).ToList();
    var rows = new List<(string Name, List<RunResult> Runs)> { ("grid (full)", grid) };
    foreach (var m in methods.Where(m => (onlyMethods.Count == 0 || onlyMethods.Contains(m.Name)) && (continuous || m.Sampler != SamplerKind.CmaEs)))
    {
        rows.Add((m.Name, Enumerable.Range(0, seeds).Select(s => SweepSimulator.Run(obj, m, s, budget)).ToList()));
    }

    rows.AddRange(optuna.Select(o => (o.Name, o.Runs.Result)));

    var sign = obj.Direction == ObjectiveDirection.Minimize ? 1.0 : -1.0;
    double Best(RunResult r) => r.Trace.Count == 0 ? double.NaN : sign * r.Trace.Min(t => sign * t.Value);
    int? Reach(RunResult r, double level) => r.Trace.Where(t => sign * t.Value <= sign * level).Select(t => (int?)t.Epochs).FirstOrDefault();
    var levels = grid.Select(g => Best(g) + (sign * 0.5)).ToList();
    // Grid's epochs to its level depend on its shuffled order: compare medians over seeds, not per-seed ratios.
    var gridReach = Q(grid.Select((g, i) => (double)Reach(g, levels[i])!.Value).Order().ToArray(), 0.5);

    Console.WriteLine();
    Console.WriteLine($"== {obj.Name} ({obj.Direction.ToString().ToLowerInvariant()}, {obj.MaxEpochs} epochs per trial, {seeds} seeds, {SweepSimulator.Workers} parallel trials for ClusterTune unless said, Optuna sequential unless ×{SweepSimulator.Workers})");
    Console.WriteLine($"   grid: {grid[0].Trials} points, {gridEpochs} trial-epochs; every other method gets {budget} trial-epochs; level = grid best {(sign > 0 ? "+" : "−")} 0.5 (per seed)");
    Console.WriteLine($"   to level = median over seeds of trial-epochs until a full-length trial reaches the level (unreached = ∞); / grid's = over grid's median for it ({gridReach:F0}); / sweep = over grid's full sweep ({gridEpochs})");
    Console.WriteLine($"   {"method",-24} {"median best",12} {"IQR",21} {"epochs",7} {"trials",7} {"reached",8} {"to level",9} {"/ grid's",9} {"/ sweep",8}");
    var summary = new Dictionary<string, (double Median, double Ratio, double SweepRatio)>();
    foreach (var (name, runs) in rows)
    {
        var bests = runs.Select(Best).Where(double.IsFinite).Order().ToArray();
        var reach = runs.Select((r, i) => Reach(r, levels[i]) is { } e ? e : double.PositiveInfinity).Order().ToArray();
        var reached = reach.Count(double.IsFinite);
        var med = bests.Length > 0 ? Q(bests, 0.5) : double.NaN;
        var ratio = Q(reach, 0.5) / gridReach;
        var sweepRatio = Q(reach, 0.5) / gridEpochs;
        summary[name] = (med, ratio, sweepRatio);
        Console.WriteLine($"   {name,-24} {med,12:F4} {$"[{Q(bests, 0.25):F4}, {Q(bests, 0.75):F4}]",21} {Q(runs.Select(r => (double)r.Epochs).Order().ToArray(), 0.5),7:F0} {Q(runs.Select(r => (double)r.Trials).Order().ToArray(), 0.5),7:F0} {$"{reached}/{runs.Count}",8} {Q(reach, 0.5),9:F0} {Percent(ratio),9} {Percent(sweepRatio),8}");
    }

    if (summary.TryGetValue("cmaes", out var cma))
    {
        var peersOfCma = cmaPeers.Where(summary.ContainsKey);
        Console.WriteLine($"   cmaes median best {cma.Median:F4}, epochs to level {Percent(cma.Ratio)} of grid's; vs " +
            string.Join(", ", peersOfCma.Select(p => $"{p} {summary[p].Median:F4} ({Percent(summary[p].Ratio)}, cmaes/{p} epochs-to-level ratio {RatioOf(cma.Ratio, summary[p].Ratio)})")));
    }

    if (!summary.TryGetValue("asha+tpe", out var at))
    {
        Console.WriteLine($"   ({sw.Elapsed.TotalSeconds:F0} s)");
        continue;
    }

    Console.WriteLine($"   asha+tpe epochs to grid's level: {Percent(at.Ratio)} of grid's epochs to that level, {Percent(at.SweepRatio)} of grid's full sweep (target ≤ 20 %)");
    if (optuna.Count > 0)
    {
        var sequential = optuna.Where(o => o.Workers == 1 && o.Name.Contains("tpe", StringComparison.Ordinal)).Select(o => o.Name).ToArray();
        var parallel = optuna.Where(o => o.Workers > 1 && o.Name.Contains("tpe", StringComparison.Ordinal)).Select(o => o.Name).ToArray();
        bool Better(double a, double b) => sign * a <= sign * b;
        string Versus(double mine, string[] them) => $"vs {string.Join(", ", them.Select(p => $"{p[7..]} {summary[p].Median:F4}"))}: " +
            (them.All(p => Better(mine, summary[p].Median)) ? "at least as good as each" : $"behind {string.Join(", ", them.Where(p => !Better(mine, summary[p].Median)))}");
        Console.WriteLine($"   median best at equal epochs, asha+tpe ×{SweepSimulator.Workers} {at.Median:F4} {Versus(at.Median, parallel)}");
        Console.WriteLine($"   asha+tpe ×{SweepSimulator.Workers} {at.Median:F4} against sequential Optuna {Versus(at.Median, sequential)}");
        if (summary.TryGetValue("asha+tpe sequential", out var seq))
        {
            Console.WriteLine($"   asha+tpe sequential {seq.Median:F4} {Versus(seq.Median, sequential)}");
        }
    }

    Console.WriteLine($"   ({sw.Elapsed.TotalSeconds:F0} s)");
}

if (only.Count == 0 || only.Contains("finetune-real"))
{
    var sw = Stopwatch.StartNew();
    ReplayBench.Run(seeds, skipOptuna, asha);
    Console.WriteLine($"   ({sw.Elapsed.TotalSeconds:F0} s)");
}

return 0;

static string RatioOf(double a, double b) => double.IsFinite(a) && double.IsFinite(b) && b > 0 ? (a / b).ToString("F2", CultureInfo.InvariantCulture) : "n/a";

static string Percent(double ratio) => double.IsFinite(ratio) ? ratio.ToString("P1", CultureInfo.InvariantCulture) : "n/a";

static double Q(double[] sorted, double q)
{
    if (sorted.Length == 0)
    {
        return double.NaN;
    }

    var pos = q * (sorted.Length - 1);
    var lo = (int)Math.Floor(pos);
    var hi = Math.Min(lo + 1, sorted.Length - 1);
    if (double.IsInfinity(sorted[hi]) || double.IsInfinity(sorted[lo]))
    {
        return pos - lo < 1e-12 ? sorted[lo] : sorted[hi];
    }

    return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
}
