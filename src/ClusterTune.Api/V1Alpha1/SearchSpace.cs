using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// The parameters to search. The three fine-tuning knobs are first-class properties (defaults fill them when
/// absent); any other trainer parameter goes in <see cref="Parameters"/>.
/// </summary>
public sealed class SearchSpace
{
    /// <summary>Name of the search dimension behind <see cref="LoraLrFactor"/>; trials receive its value as lrFactor.</summary>
    public const string LoraLrFactorName = "loraLrFactor";

    [MaxLength(64), Description("A fine-tuning space for a data regime: small-similar, small-different, large-similar or large-different (`ctune presets` prints each). It fills the knobs this spec leaves unset; knobs set here win.")]
    public string? Preset { get; set; }

    [Description("Blocks frozen after the stem (0 = nothing frozen). Default: int 0..2.")]
    public ParameterSpec? FreezeDepth { get; set; }

    [Description("Learning rate of adapted pretrained weights as a factor of pretrainingLearningRate. Default: float 0.1..10, log scale (grid: 0.1, 0.3, 1, 3, 10); with loraLrFactor set it covers loraRank 0 only.")]
    public ParameterSpec? LrFactor { get; set; }

    [Description("lrFactor of LoRA trials (loraRank > 0); the trial still receives it as lrFactor, and lrFactor then covers loraRank = 0 only. Default (only when lrFactor is not set): float 1..10, log scale (grid: 1, 3, 10).")]
    public ParameterSpec? LoraLrFactor { get; set; }

    [Description("LoRA rank (0 = full fine-tuning of the unfrozen blocks). Default: categorical 0, 4, 8.")]
    public ParameterSpec? LoraRank { get; set; }

    [Description("Further parameters by name (letters, digits, underscore), passed to the trainer in CT_PARAMS.")]
    public Dictionary<string, ParameterSpec>? Parameters { get; set; }

    [Description("Limits a trial must respect.")]
    public SearchConstraints? Constraints { get; set; }

    /// <summary>Every parameter with its name, knobs first (freezeDepth, lrFactor, loraLrFactor, loraRank), then the others by name.</summary>
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

        if (LoraLrFactor is not null)
        {
            yield return new(LoraLrFactorName, LoraLrFactor);
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
