namespace ClusterTune.Api.Contract;

/// <summary>Names of the fine-tuning parameters every trainer understands (keys of CT_PARAMS); meaning in docs/api.md.</summary>
public static class KnobNames
{
    /// <summary>Blocks frozen after the stem (0 = nothing frozen).</summary>
    public const string FreezeDepth = "freezeDepth";
    /// <summary>LR of adapted pretrained weights as a factor of the pretraining LR.</summary>
    public const string LrFactor = "lrFactor";
    /// <summary>LoRA rank; 0 = full fine-tuning of the unfrozen blocks.</summary>
    public const string LoraRank = "loraRank";
    /// <summary>LR of the freshly initialised head as a factor of the pretraining LR (default 1).</summary>
    public const string HeadLrFactor = "headLrFactor";
    /// <summary>LoRA scale numerator (scale = alpha / rank).</summary>
    public const string LoraAlpha = "loraAlpha";
}
