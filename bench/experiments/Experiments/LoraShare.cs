using System.Globalization;
using System.Text;
using ClusterTune.Api.Contract;
using ScottPlot;

namespace ClusterTune.Experiments.Experiments;

/// <summary>(c) LoRA's trainable fraction against its share of full fine-tuning's accuracy, at its own best LR and at full fine-tuning's.</summary>
internal sealed class LoraShare(LrSweeps sweeps) : IExperiment
{
    /// <summary>The top of the old default lrFactor range, which every trial shared.</summary>
    public const double SharedRangeMax = 1;

    public string Id => "c-lora-share";

    public string Title => "(c) LoRA: trainable fraction against share of full fine-tuning";

    public IReadOnlyList<SweepDefinition> Sweeps => sweeps.All;

    public string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures)
    {
        var scale = sweeps.Scale;
        var variants = sweeps.Variants(results);
        var full = variants[0];
        var fullBest = full.Best;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"From the sweeps of (b) ({LrSweeps.LabelsPerClass} labels per class, {ExperimentScale.Describe(scale.Seeds)}). Trainable fraction = trainable / total parameters of `clustertune-cnn-v1` with the adapters (`ArchitectureShape`, which `FreezingTests` holds equal to the trainer's own count); share = LoRA's mean accuracy / full fine-tuning's best mean ({fullBest} at lrFactor {Figures.Format(full.BestFactor)}). \"Shared range\" is LoRA's best with lrFactor ≤ {Figures.Format(SharedRangeMax)}, what one lrFactor range for all trials (the old default 0.001..1) gives it.");
        sb.AppendLine();
        sb.AppendLine($"| variant | trainable parameters | trainable fraction | accuracy at its best f (f) | share | best with f ≤ {Figures.Format(SharedRangeMax)} (f) | share in the shared range |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        var shape = ArchitectureShape.ReferenceCnn;
        var points = new List<(double Fraction, double Share, double SameLr, string Label)>();
        foreach (var v in variants.Where(v => v.FreezeDepth == 0))
        {
            var count = shape.Count((int)v.FreezeDepth, (int)v.LoraRank)!.Value;
            var fraction = (double)count.Trainable / count.Total;
            var capped = v.Factors.Where(f => f <= SharedRangeMax).MaxBy(f => v.At(f)!.Value.Mean);
            var same = v.At(capped)!.Value;
            var share = v.Best.Mean / fullBest.Mean;
            var sameShare = same.Mean / fullBest.Mean;
            points.Add((fraction, share, sameShare, v.Label));
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {v.Label} | {count.Trainable:N0} of {count.Total:N0} | {fraction * 100:0.0} % | {v.Best} ({Figures.Format(v.BestFactor)}) | {share * 100:0.0} % | {same} ({Figures.Format(capped)}) | {sameShare * 100:0.0} % |");
        }

        var plot = new Plot();
        plot.Title($"LoRA: trainable fraction vs share of full fine-tuning ({ExperimentScale.Describe(scale.Seeds)})");
        var own = plot.Add.Scatter(points.Select(p => Math.Log10(p.Fraction * 100)).ToArray(), points.Select(p => p.Share * 100).ToArray(), Colors.C0);
        own.LegendText = "at its own best lrFactor";
        own.MarkerSize = 9;
        var shared = plot.Add.Scatter(points.Select(p => Math.Log10(p.Fraction * 100)).ToArray(), points.Select(p => p.SameLr * 100).ToArray(), Colors.C1);
        shared.LegendText = $"best with lrFactor ≤ {Figures.Format(SharedRangeMax)}";
        shared.MarkerSize = 9;
        shared.LinePattern = LinePattern.Dashed;
        foreach (var p in points)
        {
            plot.Add.Text(p.Label, Math.Log10(p.Fraction * 100), p.Share * 100);
        }

        Figures.LogTicks(plot, [.. points.Select(p => Math.Round(p.Fraction * 100, 1))]);
        plot.XLabel("trainable parameters (% of the model, log scale)");
        plot.YLabel("% of full fine-tuning's best accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        sb.AppendLine();
        sb.AppendLine(figures.Save(plot, "lora-share", $"LoRA trainable fraction against share of full fine-tuning accuracy, {ExperimentScale.Describe(scale.Seeds)}; means (sds in the table)"));
        return sb.ToString();
    }
}
