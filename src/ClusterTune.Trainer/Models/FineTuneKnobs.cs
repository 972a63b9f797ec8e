namespace ClusterTune.Trainer.Models;

/// <summary>
/// The fine-tuning knobs that shape the model (docs/design/knobs.md): freezeDepth k freezes the stem and blocks 0..k-1;
/// loraRank r &gt; 0 puts rank-r adapters on the targeted layer kinds ("conv", "linear") of the unfrozen units.
/// </summary>
public sealed record FineTuneKnobs(int FreezeDepth, int LoraRank, double? LoraAlpha, IReadOnlyCollection<string> LoraTargets)
{
    /// <summary>Nothing frozen, no adapters: pretraining and from-scratch training.</summary>
    public static FineTuneKnobs None { get; } = new(0, 0, null, []);

    /// <summary>LoRA alpha; defaults to the rank (scale 1).</summary>
    public double Alpha => LoraAlpha ?? LoraRank;
}
