namespace ClusterTune.Search;

/// <summary>
/// The three first-class fine-tuning knobs and their default ranges: freezeDepth (blocks frozen, int), lrFactor
/// (multiple of the pretraining LR, log scale 0.001..1 around 0.1) and loraRank (0 = full fine-tune).
/// </summary>
public static class FineTuneKnobs
{
    public const string FreezeDepth = "freezeDepth";
    public const string LrFactor = "lrFactor";
    public const string LoraRank = "loraRank";

    /// <summary>freezeDepth in 0..<paramref name="blocks"/> (int).</summary>
    public static ParameterSpec DefaultFreezeDepth(int blocks = 4) => ParameterSpec.Int(FreezeDepth, 0, blocks);

    /// <summary>lrFactor in 0.001..1 on a log scale (0.1, the usual "10× smaller" choice, sits inside).</summary>
    public static ParameterSpec DefaultLrFactor() => ParameterSpec.Float(LrFactor, 0.001, 1.0, ParameterScale.Log);

    /// <summary>loraRank among 0 (full fine-tune), 4, 8, 16.</summary>
    public static ParameterSpec DefaultLoraRank() => ParameterSpec.Categorical(LoraRank, 0L, 4L, 8L, 16L);

    /// <summary>The user's parameters plus a default for each knob the user did not declare.</summary>
    public static IReadOnlyList<ParameterSpec> WithDefaults(IEnumerable<ParameterSpec> userParameters, int blocks = 4)
    {
        var list = userParameters.ToList();
        foreach (var d in new[] { DefaultFreezeDepth(blocks), DefaultLrFactor(), DefaultLoraRank() })
        {
            if (!list.Any(p => p.Name == d.Name))
            {
                list.Add(d);
            }
        }

        return list;
    }
}
