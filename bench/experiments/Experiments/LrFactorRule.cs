using System.Globalization;
using System.Text;
using ScottPlot;

namespace ClusterTune.Experiments.Experiments;

/// <summary>(b) Accuracy against lrFactor: where "fine-tuning LR ≈ 0.1 × pretraining LR" holds and where it fails.</summary>
internal sealed class LrFactorRule(LrSweeps sweeps) : IExperiment
{
    /// <summary>The rule's factor.</summary>
    public const double RuleFactor = 0.1;

    public string Id => "b-lr-factor";

    public string Title => "(b) Accuracy against lrFactor: the \"0.1 × pretraining LR\" rule";

    public IReadOnlyList<SweepDefinition> Sweeps => sweeps.All;

    public string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures)
    {
        var scale = sweeps.Scale;
        var variants = sweeps.Variants(results);
        var factors = variants.SelectMany(v => v.Factors).Distinct().Order().ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Fashion base → MNIST, {LrSweeps.LabelsPerClass} labels per class, {scale.Epochs} epochs, batch {SweepDefinition.BatchSize}, {ExperimentScale.Describe(scale.Seeds)} (the same samples in every cell); sweeps `{sweeps.Full.Name}`, `{sweeps.Frozen.Name}`, `{sweeps.Lora.Name}`. `lrFactor` × 0.002 is the LR of the adapted weights (the unfrozen backbone, or the LoRA adapters); the new head always trains at 0.002. Cells: final-epoch accuracy, mean ± sd over the seeds; **bold** = the variant's best mean; — = not swept. \"Rule\" compares lrFactor {Figures.Format(RuleFactor)} with the variant's best: it *holds* when 0.1 is within max(1 point, the best cell's sd) of the best mean.");
        sb.AppendLine();
        sb.AppendLine($"| variant | {string.Join(" | ", factors.Select(f => $"f = {Figures.Format(f)}"))} | best f | rule (f = 0.1) |");
        sb.AppendLine($"|---|{string.Concat(factors.Select(_ => "---|"))}---|---|");
        foreach (var v in variants)
        {
            var cells = factors.Select(f => v.At(f) is not { } s ? "—" : f == v.BestFactor ? $"**{s}**" : s.ToString());
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {v.Label} | {string.Join(" | ", cells)} | {Figures.Format(v.BestFactor)} | {Verdict(v)} |");
        }

        var plot = new Plot();
        plot.Title($"Accuracy against lrFactor ({LrSweeps.LabelsPerClass} labels/class, {ExperimentScale.Describe(scale.Seeds)}, mean ± sd)");
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < variants.Count; i++)
        {
            Figures.Series(plot, variants[i].Label, variants[i].Factors, variants[i].ByFactor, logX: true, palette.GetColor(i));
        }

        Figures.LogTicks(plot, factors);
        var line = plot.Add.VerticalLine(Math.Log10(RuleFactor), 1, Colors.Gray);
        line.LinePattern = LinePattern.Dotted;
        plot.XLabel("lrFactor (× pretraining LR 0.002)");
        plot.YLabel("final accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        sb.AppendLine();
        sb.AppendLine(figures.Save(plot, "lr-factor", $"accuracy against lrFactor for full fine-tuning at freezeDepth 0-3 and LoRA r 2/4/8, {ExperimentScale.Describe(scale.Seeds)}, error bars ±1 sd"));
        return sb.ToString();
    }

    private static string Verdict(LrSweeps.Variant v)
    {
        if (v.At(RuleFactor) is not { } atRule)
        {
            return "n/a (0.1 not swept)";
        }

        var gap = v.Best.Mean - atRule.Mean;
        return gap <= Math.Max(0.01, v.Best.Sd)
            ? string.Create(CultureInfo.InvariantCulture, $"holds ({gap * 100:0.0} points below the best)")
            : string.Create(CultureInfo.InvariantCulture, $"fails: {gap * 100:0.0} points below the best");
    }
}
