using System.Globalization;
using System.Text;
using ScottPlot;

namespace ClusterTune.Experiments.Experiments;

/// <summary>
/// (e) Data size × similarity: the same few-label task from a base pretrained on different data (Fashion-MNIST) and
/// from one pretrained on similar data (digits), at 10 labels per class, over freezing depth and lrFactor.
/// The digits base is itself made by a sweep: full fine-tuning of the Fashion base on 500 digits per class.
/// </summary>
internal sealed class Similarity(ExperimentScale scale) : IExperiment
{
    private static readonly double[] Labels = [10];
    private static readonly double[] Depths = [0, 2, 4];
    private static readonly double[] Factors = [0.1, 1];

    public const int DigitsBaseLabels = 500;

    public string Id => "e-size-similarity";

    public string Title => "(e) Data size × similarity to the pretraining data";

    private SweepDefinition DigitsBase => new("exp-base-digits", SweepDefinition.FashionBase, scale.Quick ? 1 : 3, new Dictionary<string, IReadOnlyList<double>>
    {
        ["freezeDepth"] = [0],
        ["loraRank"] = [0],
        ["lrFactor"] = [1],
        ["labelsPerClass"] = [DigitsBaseLabels],
        ["seed"] = [1000],
    });

    private SweepDefinition On(string name, string @base) => new(name, @base, scale.Epochs, new Dictionary<string, IReadOnlyList<double>>
    {
        ["freezeDepth"] = Depths,
        ["loraRank"] = [0],
        ["lrFactor"] = Factors,
        ["labelsPerClass"] = Labels,
        ["seed"] = ExperimentScale.SeedList(scale.Seeds),
    });

    private SweepDefinition Different => On("exp-sim-fashion", SweepDefinition.FashionBase);

    private SweepDefinition Similar => On("exp-sim-digits", SweepDefinition.SweepPrefix + DigitsBase.Name);

    public IReadOnlyList<SweepDefinition> Sweeps => [DigitsBase, Different, Similar];

    public string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"*Different*: the Fashion-MNIST base. *Similar*: a digits base, made by the sweep `{DigitsBase.Name}` (full fine-tuning of the Fashion base on {DigitsBaseLabels} digits per class, seed 1000, {DigitsBase.Epochs} epochs; its promoted best checkpoint); the few-label samples below come from the same training pool, so this is the \"similar data\" extreme, and the test digits stay held out. Full fine-tuning (loraRank 0), a fresh head, {scale.Epochs} epochs, {ExperimentScale.Describe(scale.Seeds)}; final-epoch accuracy, mean ± sd. freezeDepth 4 trains the head alone (lrFactor then changes nothing).");
        sb.AppendLine();
        sb.AppendLine($"| base | labels/class | {string.Join(" | ", Depths.SelectMany(d => Factors.Select(f => $"k={d}, f={Figures.Format(f)}")))} | best |");
        sb.AppendLine($"|---|---|{string.Concat(Depths.SelectMany(_ => Factors).Select(_ => "---|"))}---|");
        var plot = new Plot();
        plot.Title($"Freezing depth by base and data size (best lrFactor of 0.1/1 per point, {ExperimentScale.Describe(scale.Seeds)}, mean ± sd)");
        var palette = new ScottPlot.Palettes.Category10();
        var color = 0;
        foreach (var (label, sweep) in new[] { ("different (Fashion)", Different), ("similar (digits)", Similar) })
        {
            var trials = results[sweep.Name];
            foreach (var labels in Labels)
            {
                var cells = Depths.SelectMany(d => Factors.Select(f => (d, f, s: Stats.Of(trials, t => t.P("labelsPerClass") == labels && t.P("freezeDepth") == d && t.P("lrFactor") == f)))).ToList();
                var best = cells.MaxBy(c => c.s.Mean);
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {label} | {labels} | {string.Join(" | ", cells.Select(c => c == best ? $"**{c.s}**" : c.s.ToString()))} | k={best.d}, f={Figures.Format(best.f)} |");
                var perDepth = Depths.Select(d => cells.Where(c => c.d == d).MaxBy(c => c.s.Mean).s).ToList();
                Figures.Series(plot, $"{label}, {labels} labels", Depths, perDepth, logX: false, palette.GetColor(color++));
            }
        }

        plot.Axes.Bottom.SetTicks([.. Depths], [.. Depths.Select(Figures.Format)]);
        plot.XLabel("freezeDepth");
        plot.YLabel("final accuracy");
        plot.ShowLegend(Alignment.LowerLeft);
        sb.AppendLine();
        sb.AppendLine(figures.Save(plot, "similarity", $"accuracy against freezing depth for a different and a similar base at 10 labels per class, {ExperimentScale.Describe(scale.Seeds)}, error bars ±1 sd"));
        return sb.ToString();
    }
}
