using System.ComponentModel;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// The parameters to search. The three fine-tuning knobs are first-class properties (defaults fill them when
/// absent); any other trainer parameter goes in <see cref="Parameters"/>.
/// </summary>
public sealed class SearchSpace
{
    [Description("Blocks frozen after the stem (0 = nothing frozen). Default: int 0..2.")]
    public ParameterSpec? FreezeDepth { get; set; }

    [Description("Learning rate of adapted pretrained weights as a factor of pretrainingLearningRate. Default: float 0.001..1, log scale (grid: 0.01, 0.1, 1).")]
    public ParameterSpec? LrFactor { get; set; }

    [Description("LoRA rank (0 = full fine-tuning of the unfrozen blocks). Default: categorical 0, 4, 8.")]
    public ParameterSpec? LoraRank { get; set; }

    [Description("Further parameters by name (letters, digits, underscore), passed to the trainer in CT_PARAMS.")]
    public Dictionary<string, ParameterSpec>? Parameters { get; set; }

    [Description("Limits a trial must respect.")]
    public SearchConstraints? Constraints { get; set; }

    /// <summary>Every parameter with its name, knobs first (freezeDepth, lrFactor, loraRank), then the others by name.</summary>
    public IEnumerable<KeyValuePair<string, ParameterSpec>> AllParameters()
    {
        if (FreezeDepth is not null)
        {
            yield return new(Contract.KnobNames.FreezeDepth, FreezeDepth);
        }

        if (LrFactor is not null)
        {
            yield return new(Contract.KnobNames.LrFactor, LrFactor);
        }

        if (LoraRank is not null)
        {
            yield return new(Contract.KnobNames.LoraRank, LoraRank);
        }

        if (Parameters is null)
        {
            yield break;
        }

        foreach (var kv in Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            yield return kv;
        }
    }
}
