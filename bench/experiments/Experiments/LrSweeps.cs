namespace ClusterTune.Experiments.Experiments;

/// <summary>
/// The sweeps (b), (c) and (d) read, all from the Fashion base at 30 labels per class: full fine-tuning against
/// lrFactor, full fine-tuning at freezeDepth 1..3, and LoRA r 2/4/8 (freezeDepth 0) against lrFactor.
/// </summary>
internal sealed record LrSweeps(ExperimentScale Scale)
{
    public const double LabelsPerClass = 30;

    public static readonly double[] Depths = [1, 2, 3];

    public static readonly double[] Ranks = [2, 4, 8];

    public SweepDefinition Full => Sweep("exp-lr-full", [0], [0], Scale.FullFactors);

    public SweepDefinition Frozen => Sweep("exp-lr-frozen", Depths, [0], Scale.DepthFactors);

    public SweepDefinition Lora => Sweep("exp-lr-lora", [0], Ranks, Scale.LoraFactors);

    public IReadOnlyList<SweepDefinition> All => [Full, Frozen, Lora];

    /// <summary>One curve of the lrFactor figure: a variant and its mean ± sd at each of its lrFactors.</summary>
    public sealed record Variant(string Label, double FreezeDepth, double LoraRank, IReadOnlyList<double> Factors, IReadOnlyList<Stats> ByFactor)
    {
        /// <summary>The lrFactor with the best mean.</summary>
        public double BestFactor => Factors[ByFactor.Select((s, i) => (s.Mean, i)).MaxBy(x => x.Mean).i];

        public Stats Best => At(BestFactor)!.Value;

        /// <summary>The stats at <paramref name="factor"/>, or null when it was not swept.</summary>
        public Stats? At(double factor) => Factors.ToList().IndexOf(factor) is var i and >= 0 ? ByFactor[i] : null;
    }

    /// <summary>Full fine-tuning at freezeDepth 0..3, then LoRA at each rank, each with its stats per lrFactor.</summary>
    public IReadOnlyList<Variant> Variants(IReadOnlyDictionary<string, IReadOnlyList<TrialResult>> results)
    {
        var all = All.SelectMany(s => results[s.Name]).ToList();
        Variant Make(string label, double depth, double rank, IReadOnlyList<double> factors) => new(label, depth, rank, factors,
            [.. factors.Select(f => Stats.Of(all, t => t.P("freezeDepth") == depth && t.P("loraRank") == rank && t.P("lrFactor") == f))]);
        return
        [
            Make("full fine-tuning", 0, 0, Scale.FullFactors),
            .. Depths.Select(d => Make($"full, freezeDepth {d}", d, 0, Scale.DepthFactors)),
            .. Ranks.Select(r => Make($"LoRA r={r}", 0, r, Scale.LoraFactors)),
        ];
    }

    private SweepDefinition Sweep(string name, IReadOnlyList<double> depths, IReadOnlyList<double> ranks, IReadOnlyList<double> factors) =>
        new(name, SweepDefinition.FashionBase, Scale.Epochs, new Dictionary<string, IReadOnlyList<double>>
        {
            ["freezeDepth"] = depths,
            ["loraRank"] = ranks,
            ["lrFactor"] = factors,
            ["labelsPerClass"] = [LabelsPerClass],
            ["seed"] = ExperimentScale.SeedList(Scale.Seeds),
        });
}
