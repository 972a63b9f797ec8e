using ClusterTune.Operator.Web;
using ScottPlot;

namespace ClusterTune.Cli.Report;

/// <summary>
/// The sweep page's charts as PNG files (ScottPlot): learning curves with rungs and stopped trials marked, parallel
/// coordinates coloured by the objective, parameter importance and the budget burn-down. Drawn from the same
/// <see cref="SweepDetail"/> the page's script draws.
/// </summary>
internal static class SweepCharts
{
    private const int Width = 1000;
    private const int Height = 480;

    /// <summary>Writes curves.png, parallel.png, importance.png and burndown.png into <paramref name="dir"/>; returns their names.</summary>
    public static IReadOnlyList<string> Write(SweepDetail d, string dir) =>
    [
        Save(Curves(d), dir, "curves.png"),
        Save(Parallel(d), dir, "parallel.png"),
        Save(Importance(d), dir, "importance.png"),
        Save(Burndown(d), dir, "burndown.png"),
    ];

    private static string Save(Plot plot, string dir, string name)
    {
        plot.SavePng(Path.Combine(dir, name), Width, Height);
        return name;
    }

    private static Plot Curves(SweepDetail d)
    {
        var plot = new Plot();
        plot.Title($"{d.Summary.Name}: learning curves ({d.Summary.Metric})");
        plot.XLabel("epoch");
        plot.YLabel(d.Summary.Metric);
        foreach (var rung in d.Rungs)
        {
            var line = plot.Add.VerticalLine(rung, 1, Colors.Purple.WithAlpha(0.5));
            line.LinePattern = LinePattern.Dotted;
            line.LabelText = $"rung {rung}";
        }
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var t in d.Trials.Where(t => t.Curve.Count > 0))
        {
            var color = palette.GetColor(t.Index);
            var s = plot.Add.Scatter(t.Curve.Select(p => (double)p.Epoch).ToArray(), t.Curve.Select(p => p.Value).ToArray(), color);
            s.LineWidth = t.Name == d.Best?.Name ? 3.5f : 1.5f;
            s.MarkerSize = 3;
            s.LinePattern = t.Stopped ? LinePattern.Dashed : t.Phase == "Failed" ? LinePattern.Dotted : LinePattern.Solid;
            s.LegendText = $"{t.Name} ({t.Phase})";
            if (t.Stopped)
            {
                var last = t.Curve[^1];
                plot.Add.Marker(last.Epoch, last.Value, MarkerShape.Eks, 12, color);
            }
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static Plot Parallel(SweepDetail d)
    {
        var plot = new Plot();
        plot.Title($"{d.Summary.Name}: parameters against {d.Summary.Metric} (yellow = {(d.Summary.Direction == "minimize" ? "lowest" : "highest")})");
        var axes = d.Parameters.Select(p => p.Name).Append(d.Summary.Metric).ToList();
        var withObjective = d.Trials.Where(t => t.Objective is { } o && double.IsFinite(o)).ToList();
        var scales = d.Parameters.Select(p => AxisScale.Of(p, withObjective.Select(t => t.Params.GetValueOrDefault(p.Name))))
            .Append(AxisScale.Numeric(withObjective.Select(t => t.Objective!.Value), log: false)).ToList();
        var objective = scales[^1];
        var viridis = new ScottPlot.Colormaps.Viridis();
        foreach (var t in withObjective.OrderBy(t => Better(d, objective, t.Objective!.Value)))
        {
            var ys = scales.Select((s, i) => i == scales.Count - 1 ? s.Position(t.Objective) : s.Position(t.Params.GetValueOrDefault(d.Parameters[i].Name))).ToArray();
            if (ys.Any(y => y is null))
            {
                continue;
            }

            var line = plot.Add.Scatter(Enumerable.Range(0, axes.Count).Select(i => (double)i).ToArray(), ys.Select(y => y!.Value).ToArray(),
                viridis.GetColor(Better(d, objective, t.Objective!.Value)));
            line.LineWidth = 2;
            line.MarkerSize = 0;
        }
        for (var i = 0; i < axes.Count; i++)
        {
            plot.Add.VerticalLine(i, 1, Colors.Gray);
            foreach (var (label, y) in scales[i].Ticks())
            {
                var text = plot.Add.Text(label, i, y);
                text.LabelFontSize = 11;
            }
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, axes.Count).Select(i => (double)i)], [.. axes]);
        plot.Axes.Left.SetTicks([], []);
        plot.Axes.SetLimits(-0.3, axes.Count - 0.5, -0.05, 1.05);
        return plot;
    }

    private static Plot Importance(SweepDetail d)
    {
        var plot = new Plot();
        plot.Title($"{d.Summary.Name}: parameter importance (share of the objective's variance)");
        var entries = d.Importance.Reverse().ToList();
        if (entries.Count == 0)
        {
            plot.Add.Text("not enough finished trials (at least 3 with a varying objective)", 0, 0);
            return plot;
        }
        var bars = plot.Add.Bars(entries.Select(e => e.Importance).ToArray());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks([.. entries.Select((_, i) => (double)i)], [.. entries.Select(e => e.Parameter)]);
        plot.Axes.SetLimitsX(0, 1);
        plot.XLabel("share of variance (η²)");
        return plot;
    }

    private static Plot Burndown(SweepDetail d)
    {
        var plot = new Plot();
        var b = d.Budget;
        var total = b.MaxTrials ?? Math.Max(b.TrialsCreated, 1);
        plot.Title($"{d.Summary.Name}: budget burn-down ({b.TrialsCreated} of {b.MaxTrials?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "∞"} trials created)");
        var xs = new List<double> { 0 };
        var ys = new List<double> { total };
        var left = total;
        foreach (var t in b.FinishedAtSeconds)
        {
            xs.AddRange([t / 60, t / 60]);
            ys.AddRange([left, --left]);
        }
        xs.Add(b.ElapsedSeconds / 60);
        ys.Add(left);
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        line.LineWidth = 2;
        line.MarkerSize = 0;
        line.LegendText = "trials not finished";
        if (b.MaxDurationSeconds is { } max)
        {
            var limit = plot.Add.VerticalLine(max / 60, 1, Colors.Red);
            limit.LabelText = "maxDuration";
        }
        plot.XLabel("minutes since the sweep started");
        plot.YLabel("trials left");
        return plot;
    }

    // 0 = worst, 1 = best objective, so the best lines are drawn last (on top) and yellow.
    private static double Better(SweepDetail d, AxisScale objective, double value) =>
        d.Summary.Direction == "minimize" ? 1 - objective.Position(value)!.Value : objective.Position(value)!.Value;
}
