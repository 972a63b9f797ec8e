using System.Globalization;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>The table: one column per configuration.</summary>
internal static class Report
{
    public static void Print(BenchOptions o, IReadOnlyList<RunResult> runs, TextWriter w)
    {
        var rows = new List<(string Name, Func<RunResult, string> Cell)>
        {
            ("silo processes", r => $"{r.Silos}"),
            ("seed (create jobs + history), s", r => $"{r.Seed.TotalSeconds:0}"),
            ("silos start → all ready, s", r => $"{r.Ready.TotalSeconds:0.0}"),
            ("measured window, s", r => $"{r.WindowSeconds:0.0}"),
            ("OTLP sent, points/s (offered: " + $"{o.PointsPerSecond:0})", r => $"{r.PointsOffered / r.WindowSeconds:0}"),
            ("OTLP accepted, points/s", r => $"{r.PerSilo.Sum(s => s.Delta.PointsAccepted) / r.WindowSeconds:0}"),
            ("OTLP requests failed / not sent (256 in flight)", r => $"{r.RequestsFailed} / {r.RequestsSkipped}"),
            ("decisions (create/stop/promote)", r => $"{r.Decisions.Count} ({Count(r, "create")}/{Count(r, "stop")}/{Count(r, "promote")})"),
            ("decisions/s", r => $"{r.Decisions.Count / r.WindowSeconds:0.0}"),
            ("latency p50/p99 all, ms", r => Pct(r, null)),
            ("  stop: point sent → spec.stop seen, ms", r => Pct(r, "stop")),
            ("  create: pod ended → Trial seen, ms", r => Pct(r, "create")),
            ("  promote: last pod ended → promotedUri seen, ms", r => Pct(r, "promote")),
            ("silo CPU-s in window", r => $"{Cpu(r):0.0}"),
            ("  JIT compiling / GC pauses, s (runtime meter)", r => $"{r.PerSilo.Sum(s => s.Delta.JitSeconds):0.0} / {r.PerSilo.Sum(s => s.Delta.GcSeconds):0.0}"),
            ("  allocated MiB / GCs / exceptions (runtime meter)", r => $"{r.PerSilo.Sum(s => s.Delta.Runtime.AllocatedBytes) / (1 << 20):0} / {r.PerSilo.Sum(s => s.Delta.Runtime.Collections):0} / {r.PerSilo.Sum(s => s.Delta.Runtime.Exceptions):0}"),
            ("CPU-s per decision (silos)", r => $"{Cpu(r) / Math.Max(1, r.Decisions.Count) * 1000:0.0} ms"),
            ("bench process CPU-s (API server, kubelet, load)", r => $"{r.BenchCpuSeconds:0.0}"),
            ("jobs per silo (grain Where())", r => string.Join("/", r.PerSilo.Select(s => s.Jobs)) + $" ({Dev(r.PerSilo.Select(s => (double)s.Jobs))})"),
            ("OTLP points per silo", r => string.Join("/", r.PerSilo.Select(s => $"{s.Delta.PointsAccepted / 1000:0}k")) + $" ({Dev(r.PerSilo.Select(s => s.Delta.PointsAccepted))})"),
            ("new trials finished in window (finished at open)", r => $"{r.TrialsFinished} ({r.FinishedAtOpen})"),
            ("API writes (silos) / trial", r => $"{r.PerSilo.Sum(s => s.Delta.ApiWrites) / Math.Max(1, r.TrialsFinished):0.00} ({r.PerSilo.Sum(s => s.Delta.ApiWrites):0} writes, {r.PerSilo.Sum(s => s.Delta.ApiWritesTrialStatus):0} trials/status)"),
            ("API reads (GET, silos) / trial", r => $"{r.PerSilo.Sum(s => s.Delta.ApiReads) / Math.Max(1, r.TrialsFinished):0.00}"),
            ("RSS per silo, MiB", r => string.Join("/", r.PerSilo.Select(s => $"{s.End.RssBytes / (1 << 20)}"))),
            ("SIGKILL silo with most jobs: first/all served again", r => r.Kill is { } k ? $"{k.Silo} ({k.Jobs} jobs): {k.FirstServed.TotalSeconds:0.00} s / {k.AllServed.TotalSeconds:0.00} s" + (k.Unserved > 0 ? $", {k.Unserved} never" : "") : "-"),
            ("jobs ended (promoted or failed) at the end", r => $"{r.JobsEnded}/{r.Jobs}"),
        };
        var nameWidth = rows.Max(x => x.Name.Length) + 2;
        var cells = rows.Select(x => runs.Select(x.Cell).ToList()).ToList();
        var colWidth = Math.Max(14, cells.SelectMany(c => c).Max(c => c.Length) + 2);
        w.WriteLine();
        w.WriteLine("".PadRight(nameWidth) + string.Concat(runs.Select(r => $"{r.Silos} silo{(r.Silos == 1 ? "" : "s")}".PadRight(colWidth))));
        for (var i = 0; i < rows.Count; i++)
        {
            w.WriteLine(rows[i].Name.PadRight(nameWidth) + string.Concat(cells[i].Select(c => c.PadRight(colWidth))));
        }

        foreach (var r in runs)
        {
            var by = r.PerSilo.SelectMany(s => s.Delta.WritesBy).GroupBy(kv => kv.Key).Select(g => (Kind: g.Key, N: g.Sum(kv => kv.Value))).Where(x => x.N > 0).OrderByDescending(x => x.N);
            w.WriteLine($"API writes per finished trial, {r.Silos} silo(s): " + string.Join(", ", by.Select(x => $"{x.Kind} {x.N / Math.Max(1, r.TrialsFinished):0.00}")));
        }
        if (runs.FirstOrDefault(r => r.Silos == 1) is { } one && runs.FirstOrDefault(r => r.Silos > 1) is { } many)
        {
            var eff = CpuPerDecision(one) / CpuPerDecision(many);
            w.WriteLine($"scaling efficiency = (CPU-s/decision, 1 silo) / (CPU-s/decision, {many.Silos} silos) = {eff:0.00} (target ≥ 0.85)");
        }
        w.WriteLine($"defaults used: --jobs {o.Jobs} --history {o.History} --new-trials {o.NewTrials} --parallelism {o.Parallelism} --epochs {o.Epochs} " +
            $"--epoch-seconds {o.EpochSeconds} --rate {o.PointsPerSecond} --points-per-request {o.PointsPerRequest} --window-from {o.WindowFrom}; the window runs from {o.WindowFrom:P0} to {o.WindowFraction:P0} of the new trials finished " +
            $"(or after {o.MaxSeconds} s). Latencies are measured by the bench's own watches (API server delivery included); the operator writes progress every 10 s and decides on points at once.");
    }

    private static int Count(RunResult r, string kind) => r.Decisions.Count(d => d.Kind == kind);

    private static double Cpu(RunResult r) => r.PerSilo.Sum(s => s.Delta.CpuSeconds);

    private static double CpuPerDecision(RunResult r) => Cpu(r) / Math.Max(1, r.Decisions.Count);

    private static string Pct(RunResult r, string? kind)
    {
        var xs = r.Decisions.Where(d => (kind is null || d.Kind == kind) && !double.IsNaN(d.LatencyMs)).Select(d => d.LatencyMs).OrderBy(x => x).ToList();
        if (xs.Count == 0)
        {
            return "-";
        }

        double P(double q) => xs[Math.Min(xs.Count - 1, (int)Math.Ceiling(q * xs.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{P(0.5):0} / {P(0.99):0} (n={xs.Count})");
    }

    /// <summary>The largest deviation from an even share, as a percentage of the even share.</summary>
    private static string Dev(IEnumerable<double> values)
    {
        var xs = values.ToList();
        var even = xs.Sum() / xs.Count;
        return even <= 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"max {xs.Max(x => Math.Abs(x - even)) / even:P0} off even");
    }
}
