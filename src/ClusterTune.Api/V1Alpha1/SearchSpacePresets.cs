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
        new(SmallSimilar, "few labels, data like the pretraining data: freeze deep, keep the LR low",
            "experiments.md#e-size-similarity, #b-lr-factor",
            FreezeDepth: (2, 4), LrFactor: (0.03, 1), LoraLrFactor: (1, 30), LoraRanks: [0, 4, 8]),
        new(SmallDifferent, "few labels, data unlike the pretraining data: adapt most blocks at about the pretraining LR",
            "experiments.md#b-lr-factor, #d-freezing-depth, #e-size-similarity",
            FreezeDepth: (0, 2), LrFactor: (0.3, 3), LoraLrFactor: (3, 30), LoraRanks: [0, 4, 8]),
        new(LargeSimilar, "many labels, data like the pretraining data: shallow freezing, low to medium LR",
            "experiments.md#e-size-similarity",
            FreezeDepth: (0, 2), LrFactor: (0.03, 1), LoraLrFactor: (1, 30), LoraRanks: [0, 8]),
        new(LargeDifferent, "many labels, data unlike the pretraining data: little or no freezing, about the pretraining LR",
            "experiments.md#a-pretrained-vs-scratch, #e-size-similarity",
            FreezeDepth: (0, 1), LrFactor: (0.3, 3), LoraLrFactor: (3, 30), LoraRanks: [0, 8]),
    ];

    /// <summary>The preset called <paramref name="name"/> (exact, case-sensitive), or null.</summary>
    public static SearchSpacePreset? Find(string? name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>"small-similar, small-different, ..." for error messages and usage text.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));
}
