using System.Globalization;
using System.Text;
using ScottPlot;

namespace ClusterTune.Experiments.Experiments;

/// <summary>(a) The Fashion-MNIST base against a random initialisation at 10, 30 and 100 labels per class.</summary>
internal sealed class PretrainedVsScratch(ExperimentScale scale) : IExperiment
{
    private static readonly double[] Labels = [10, 30, 100];
    private static readonly double[] PretrainedFactors = [1];

    public string Id => "a-pretrained-vs-scratch";

    public string Title => "(a) Pretrained vs scratch";

    private SweepDefinition Pretrained => new("exp-a-pretrained", SweepDefinition.FashionBase, scale.Epochs, new Dictionary<string, IReadOnlyList<double>>
    {
        ["freezeDepth"] = [0],
        ["loraRank"] = [0],
        ["lrFactor"] = PretrainedFactors,
        ["labelsPerClass"] = Labels,
        ["seed"] = ExperimentScale.SeedList(scale.TransferSeeds),
    });

    private SweepDefinition FromScratch => new("exp-a-scratch", SweepDefinition.Scratch, scale.Epochs, new Dictionary<string, IReadOnlyList<double>>
    {
        ["freezeDepth"] = [0],
        ["loraRank"] = [0],
        ["lrFactor"] = [1],
        ["labelsPerClass"] = Labels,
        ["seed"] = ExperimentScale.SeedList(scale.TransferSeeds),
    });

    public IReadOnlyList<SweepDefinition> Sweeps => [Pretrained, FromScratch];

    public string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures)
    {
        var pre = results[Pretrained.Name];
        var scratch = results[FromScratch.Name];
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Full fine-tuning (freezeDepth 0, loraRank 0) of the Fashion-MNIST base against the same network from a random initialisation (`--model=` in `trainer.args`), both at the pretraining LR 0.002 (lrFactor 1; (b) shows it is full fine-tuning's best), {scale.Epochs} epochs, batch {SweepDefinition.BatchSize}, {ExperimentScale.Describe(scale.TransferSeeds)}; seed *k* draws the same few-label sample and data order in both columns, so the gain is paired. Sweeps `{Pretrained.Name}` and `{FromScratch.Name}`. Cells: final-epoch accuracy on {SweepDefinition.EvalLimit} held-out digits, mean ± sd over the seeds.");
        sb.AppendLine();
        sb.AppendLine("| labels/class | steps | scratch | pretrained | gain (paired mean ± sd) | seeds where pretrained wins |");
        sb.AppendLine("|---|---|---|---|---|---|");
        var series = new Dictionary<string, List<Stats>> { ["scratch"] = [], ["pretrained (Fashion-MNIST base)"] = [] };
        foreach (var labels in Labels)
        {
            var s = Stats.Of(scratch, t => t.P("labelsPerClass") == labels);
            var p = Stats.Of(pre, t => t.P("labelsPerClass") == labels);
            var (gain, wins, seeds) = Stats.Paired(pre, scratch, t => t.P("labelsPerClass") == labels, ExperimentScale.SeedList(scale.TransferSeeds));
            var steps = (int)Math.Ceiling(labels * 10 / SweepDefinition.BatchSize) * scale.Epochs;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {labels} | {steps} | {s} | {p} | {gain.Mean * 100:+0.0;-0.0} ± {gain.Sd * 100:0.0} points | {wins} of {seeds} |");
            series["scratch"].Add(s);
            series["pretrained (Fashion-MNIST base)"].Add(p);
        }

        var plot = new Plot();
        plot.Title($"Pretrained vs scratch ({ExperimentScale.Describe(scale.TransferSeeds)}, mean ± sd)");
        var palette = new ScottPlot.Palettes.Category10();
        var i = 0;
        foreach (var (label, stats) in series)
        {
            Figures.Series(plot, label, Labels, stats, logX: true, palette.GetColor(i++));
        }

        Figures.LogTicks(plot, Labels);
        plot.XLabel("labels per class");
        plot.YLabel("final accuracy");
        plot.ShowLegend(Alignment.LowerRight);
        sb.AppendLine();
        sb.AppendLine(figures.Save(plot, "pretrained-vs-scratch", $"accuracy against labels per class, pretrained vs scratch, {ExperimentScale.Describe(scale.TransferSeeds)}, error bars ±1 sd"));
        return sb.ToString();
    }
}
