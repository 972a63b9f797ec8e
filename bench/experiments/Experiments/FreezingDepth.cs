using System.Globalization;
using System.Text;
using ClusterTune.Api.Contract;
using ScottPlot;

namespace ClusterTune.Experiments.Experiments;

/// <summary>(d) The freezing-depth trend of full fine-tuning, at each depth's best lrFactor and at fixed ones.</summary>
internal sealed class FreezingDepth(LrSweeps sweeps) : IExperiment
{
    public string Id => "d-freezing-depth";

    public string Title => "(d) Freezing depth";

    public IReadOnlyList<SweepDefinition> Sweeps => sweeps.All;

    public string Render(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results, Figures figures)
    {
        var scale = sweeps.Scale;
        var factors = scale.DepthFactors;
        var variants = sweeps.Variants(results).Where(v => v.LoraRank == 0).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Full fine-tuning from the Fashion base with the stem and the first *k* blocks frozen, at lrFactor {string.Join(", ", factors.Select(Figures.Format))} (freezeDepth 0 from `{sweeps.Full.Name}`, 1–3 from `{sweeps.Frozen.Name}`): {LrSweeps.LabelsPerClass} labels per class, {scale.Epochs} epochs, {ExperimentScale.Describe(scale.Seeds)}; mean ± sd. \"Best\" is over these lrFactors only, the same for every depth.");
        sb.AppendLine();
        sb.AppendLine($"| freezeDepth | trainable fraction | {string.Join(" | ", factors.Select(f => $"f = {Figures.Format(f)}"))} | best |");
        sb.AppendLine($"|---|---|{string.Concat(factors.Select(_ => "---|"))}---|");
        var best = new List<Stats>();
        foreach (var v in variants)
        {
            var fraction = ArchitectureShape.ReferenceCnn.TrainableFraction((int)v.FreezeDepth, 0)!.Value;
            var top = factors.MaxBy(f => v.At(f)!.Value.Mean);
            best.Add(v.At(top)!.Value);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {v.FreezeDepth} | {fraction * 100:0.0} % | {string.Join(" | ", factors.Select(f => f == top ? $"**{v.At(f)}**" : v.At(f).ToString()))} | f = {Figures.Format(top)} |");
        }

        var plot = new Plot();
        plot.Title($"Freezing depth ({LrSweeps.LabelsPerClass} labels/class, {ExperimentScale.Describe(scale.Seeds)}, mean ± sd)");
        var depths = variants.Select(v => v.FreezeDepth).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        Figures.Series(plot, "at each depth's best lrFactor", depths, best, logX: false, palette.GetColor(0));
        for (var i = 0; i < factors.Count; i++)
        {
            var f = factors[i];
            Figures.Series(plot, $"at lrFactor {Figures.Format(f)}", depths, [.. variants.Select(v => v.At(f)!.Value)], logX: false, palette.GetColor(i + 1));
        }

        plot.Axes.Bottom.SetTicks([.. depths], [.. depths.Select(Figures.Format)]);
        plot.XLabel("freezeDepth (stem + first k blocks frozen)");
        plot.YLabel("final accuracy");
        plot.ShowLegend(Alignment.LowerLeft);
        sb.AppendLine();
        sb.AppendLine(figures.Save(plot, "freezing-depth", $"accuracy against freezing depth, {ExperimentScale.Describe(scale.Seeds)}, error bars ±1 sd"));
        return sb.ToString();
    }
}
