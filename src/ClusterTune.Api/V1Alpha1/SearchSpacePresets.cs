namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// The presets of spec.searchSpace.preset, by data size (small: about 10–30 labelled examples per class; large: about
/// 100 or more) × similarity of the fine-tuning data to the pretraining data. Each range is the one the tables of
/// docs/experiments.md support (the section named in <see cref="SearchSpacePreset.Evidence"/>).
/// </summary>
public static class SearchSpacePresets
{
    public const string SmallSimilar = "small-similar";
    public const string SmallDifferent = "small-different";
    public const string LargeSimilar = "large-similar";
    public const string LargeDifferent = "large-different";

    /// <summary>Every preset, in the order `ctune presets` prints them.</summary>
    public static IReadOnlyList<SearchSpacePreset> All { get; } =
    [
        new(SmallSimilar, "few labels, data like the pretraining data: freeze the lower blocks, LR about the pretraining LR",
            "experiments.md#e-size-similarity (k=2 beats k=0 by 5 points on the similar base; lrFactor 0.1 loses 18), #b-lr-factor",
            FreezeDepth: (1, 3), LrFactor: (0.3, 3), LoraLrFactor: (3, 10), LoraRanks: [0, 4, 8]),
        new(SmallDifferent, "few labels, data unlike the pretraining data: adapt most blocks at 1-10x the pretraining LR",
            "experiments.md#b-lr-factor (best lrFactor 3-10), #d-freezing-depth (k 0-2 level, k=3 lower), #e-size-similarity",
            FreezeDepth: (0, 2), LrFactor: (0.3, 10), LoraLrFactor: (3, 10), LoraRanks: [0, 4, 8]),
        new(LargeSimilar, "many labels, data like the pretraining data: shallow freezing, LR about the pretraining LR (extrapolated: not measured at 100 labels)",
            "experiments.md#e-size-similarity, #a-pretrained-vs-scratch",
            FreezeDepth: (0, 2), LrFactor: (0.3, 3), LoraLrFactor: (3, 10), LoraRanks: [0, 8]),
        new(LargeDifferent, "many labels, data unlike the pretraining data: no or little freezing, 1-10x the pretraining LR",
            "experiments.md#a-pretrained-vs-scratch (at 100 labels the base no longer beats scratch), #b-lr-factor",
            FreezeDepth: (0, 1), LrFactor: (0.3, 10), LoraLrFactor: (3, 10), LoraRanks: [0, 8]),
    ];

    /// <summary>The preset called <paramref name="name"/> (exact, case-sensitive), or null.</summary>
    public static SearchSpacePreset? Find(string? name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>"small-similar, small-different, ..." for error messages and usage text.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));
}
