namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// A named fine-tuning search space for a data regime (size × similarity to the pretraining data): the ranges of
/// freezeDepth, lrFactor (full fine-tuning), loraLrFactor (LoRA trials) and loraRank that docs/experiments.md
/// supports for it. Expanded by <see cref="FineTuneJobDefaults.Apply"/> into the knobs the job leaves unset.
/// </summary>
/// <param name="Name">The value of spec.searchSpace.preset.</param>
/// <param name="Summary">When to use it, in one line (printed by `ctune presets`).</param>
/// <param name="Evidence">The docs/experiments.md sections that support its ranges.</param>
public sealed record SearchSpacePreset(
    string Name,
    string Summary,
    string Evidence,
    (int Min, int Max) FreezeDepth,
    (double Min, double Max) LrFactor,
    (double Min, double Max) LoraLrFactor,
    IReadOnlyList<long> LoraRanks)
{
    /// <summary>The points a grid takes in an LR range: the 1-3-10 ladder the experiments swept, within [min, max].</summary>
    private static readonly double[] LrLadder = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];

    /// <summary>freezeDepth as an int range.</summary>
    public ParameterSpec FreezeDepthSpec() => new() { Type = ParameterType.Int, Min = FreezeDepth.Min, Max = FreezeDepth.Max, Scale = ParameterScale.Linear, Step = 1 };

    /// <summary>lrFactor for full fine-tuning: log float range, or its ladder points under grid.</summary>
    public ParameterSpec LrFactorSpec(AlgorithmName algorithm) => LrSpec(LrFactor, algorithm);

    /// <summary>loraLrFactor (the lrFactor of LoRA trials): log float range, or its ladder points under grid.</summary>
    public ParameterSpec LoraLrFactorSpec(AlgorithmName algorithm) => LrSpec(LoraLrFactor, algorithm);

    /// <summary>loraRank as categorical values (0 = full fine-tuning).</summary>
    public ParameterSpec LoraRankSpec(AlgorithmName algorithm = AlgorithmName.Random) => algorithm == AlgorithmName.CmaEs && EvenStep() is { } step
        ? new() { Type = ParameterType.Int, Min = LoraRanks[0], Max = LoraRanks[^1], Scale = ParameterScale.Linear, Step = step }
        : new() { Type = ParameterType.Categorical, Values = [.. LoraRanks.Select(ParamValue.Of)] };

    // CMA-ES samples ranges only: evenly spaced ranks (0, 4, 8) become int min..max with that step.
    private long? EvenStep()
    {
        var steps = LoraRanks.Zip(LoraRanks.Skip(1), (a, b) => b - a).Distinct().ToList();
        return steps is [var only] && only > 0 ? only : null;
    }

    /// <summary>The ladder points in [min, max] (at least the two ends when the ladder has none inside).</summary>
    public static IReadOnlyList<double> GridPoints((double Min, double Max) range)
    {
        var inside = LrLadder.Where(v => v >= range.Min * (1 - 1e-9) && v <= range.Max * (1 + 1e-9)).ToList();
        return inside.Count >= 2 ? inside : [range.Min, range.Max];
    }

    private static ParameterSpec LrSpec((double Min, double Max) range, AlgorithmName algorithm) => algorithm == AlgorithmName.Grid
        ? new() { Type = ParameterType.Categorical, Values = [.. GridPoints(range).Select(ParamValue.Of)] }
        : new() { Type = ParameterType.Float, Min = range.Min, Max = range.Max, Scale = ParameterScale.Log };
}
