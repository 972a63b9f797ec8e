using System.Globalization;
using System.Text;
using ScottPlot;

namespace ClusterTune.Experiments.Experiments;

/// <summary>
/// (f) The text workload (clustertune-text-v1, SpamAssassin): the masked-token base against scratch at 10 and 40
/// labels per class, and lrFactor for full fine-tuning against LoRA r = 8 on the attention q/v projections.
/// </summary>
internal sealed class TextWorkload(ExperimentScale scale) : IExperiment
{
    private const int LoraRank = 8;
    private const double LrLabels = 20;
    private static readonly double[] Labels = [10, 40];
    private static readonly double[] Factors = [0.3, 1, 3, 10];

    public string Id => "f-text";

    public string Title => "(f) The text workload: a transformer encoder on e-mails";

    private int Seeds => Math.Min(3, scale.TransferSeeds);

    private SweepDefinition Transfer(string name, string baseName) => new(name, baseName, scale.Epochs, new Dictionary<string, IReadOnlyList<double>>
    {
        ["freezeDepth"] = [0],
        ["loraRank"] = [0],
        ["lrFactor"] = [1],
        ["labelsPerClass"] = Labels,
        ["seed"] = ExperimentScale.SeedList(Seeds),
    }, SweepDefinition.Text);

    private SweepDefinition Pretrained => Transfer("exp-f-text-pretrained", SweepDefinition.SpamBase);

    private SweepDefinition FromScratch => Transfer("exp-f-text-scratch", SweepDefinition.Scratch);

    private SweepDefinition Lr => new("exp-f-text-lr", SweepDefinition.SpamBase, scale.Epochs, new Dictionary<string, IReadOnlyList<double>>
    {
        ["freezeDepth"] = [0],
        ["loraRank"] = [0, LoraRank],
        ["lrFactor"] = scale.Quick ? [1, 10] : Factors,
        ["labelsPerClass"] = [LrLabels],
        ["seed"] = ExperimentScale.SeedList(scale.Seeds),
    }, SweepDefinition.Text);

    public IReadOnlyList<SweepDefinition> Sweeps => [Pretrained, FromScratch, Lr];

    public string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures)
    {
        var pre = results[Pretrained.Name];
        var scratch = results[FromScratch.Name];
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"The second workload ([trainer.md](trainer.md#the-text-workload-clustertune-text-v1)): a 4-layer transformer encoder pretrained with masked tokens on the unlabelled SpamAssassin groups (`make pretrained-text`: 3 epochs, masked-token accuracy 0.19 on held-out sequences), fine-tuned to tell spam from ham on a balanced held-out set of 558 e-mails (chance 0.5). {scale.Epochs} epochs, batch {SweepDefinition.BatchSize}, {ExperimentScale.Describe(Seeds)}; seed *k* draws the same labelled sample in both columns. The base trains at its pretraining LR 1e-3 × lrFactor 1; scratch (no base) at the trainer's default LR 2e-3. Sweeps `{Pretrained.Name}`, `{FromScratch.Name}`.");
        sb.AppendLine();
        sb.AppendLine("| labels/class | scratch | pretrained | gain (paired mean ± sd) | seeds where pretrained wins |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var labels in Labels)
        {
            var s = Stats.Of(scratch, t => t.P("labelsPerClass") == labels);
            var p = Stats.Of(pre, t => t.P("labelsPerClass") == labels);
            var (gain, wins, seeds) = Stats.Paired(pre, scratch, t => t.P("labelsPerClass") == labels, ExperimentScale.SeedList(Seeds));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {labels} | {s} | {p} | {gain.Mean * 100:+0.0;-0.0} ± {gain.Sd * 100:0.0} points | {wins} of {seeds} |");
        }

        var lr = results[Lr.Name];
        var factors = lr.Select(t => t.P("lrFactor")).Distinct().Order().ToArray();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"lrFactor for full fine-tuning against LoRA r = {LoraRank} on q and v (11 266 of 402 434 parameters trainable, 2.8 %), {LrLabels} labels per class, freezeDepth 0, {ExperimentScale.Describe(scale.Seeds)}; sweep `{Lr.Name}`. Cells: final-epoch accuracy, mean ± sd.");
        sb.AppendLine();
        sb.AppendLine("| variant | " + string.Join(" | ", factors.Select(f => $"f = {Figures.Format(f)}")) + " |");
        sb.AppendLine("|---|" + string.Concat(factors.Select(_ => "---|")));
        var plot = new Plot();
        plot.Title($"Text workload: accuracy against lrFactor ({ExperimentScale.Describe(scale.Seeds)}, mean ± sd)");
        var palette = new ScottPlot.Palettes.Category10();
        var best = new Dictionary<string, (Stats Stats, double Factor)>();
        foreach (var (rank, label) in new[] { (0.0, "full fine-tuning"), ((double)LoraRank, $"LoRA r = {LoraRank} (q, v)") })
        {
            var stats = factors.Select(f => Stats.Of(lr, t => t.P("loraRank") == rank && t.P("lrFactor") == f)).ToList();
            sb.AppendLine($"| {label} | " + string.Join(" | ", stats) + " |");
            var top = stats.Select((s, i) => (s, factors[i])).MaxBy(x => x.s.Mean);
            best[label] = top;
            Figures.Series(plot, label, factors, stats, logX: true, palette.GetColor(best.Count - 1));
        }

        var (fullBest, fullF) = best["full fine-tuning"];
        var (loraBest, loraF) = best[$"LoRA r = {LoraRank} (q, v)"];
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Best: full fine-tuning {fullBest} at lrFactor {Figures.Format(fullF)}; LoRA {loraBest} at lrFactor {Figures.Format(loraF)}, {loraBest.Mean / fullBest.Mean * 100:0.0} % of full fine-tuning with 2.8 % of the parameters trainable.");
        Figures.LogTicks(plot, factors);
        plot.XLabel("lrFactor (× pretraining LR 1e-3)");
        plot.YLabel("final accuracy");
        plot.ShowLegend(Alignment.LowerLeft);
        sb.AppendLine();
        sb.AppendLine(figures.Save(plot, "text-lr-factor", $"text workload: accuracy against lrFactor, full fine-tuning vs LoRA r = {LoraRank} on q/v, {ExperimentScale.Describe(scale.Seeds)}, error bars ±1 sd"));
        return sb.ToString();
    }
}
