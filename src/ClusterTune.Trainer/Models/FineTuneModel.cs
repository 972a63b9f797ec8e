using ClusterTune.Trainer.Lora;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// A model the fine-tuning knobs apply to (docs/design/knobs.md): units "0..BlockCount-1" that freezeDepth freezes
/// after the stem/embedding, LoRA adapters built into its <see cref="LoraLayer"/>s, and a "head" that a fine-tune
/// replaces. The reference CNN and the text encoder are the two.
/// </summary>
public abstract class FineTuneModel(string name) : nn.Module<Tensor, Tensor>(name)
{
    public const string HeadName = "head";

    /// <summary>Architecture name recorded in checkpoint manifests.</summary>
    public abstract string ArchitectureName { get; }

    public abstract FineTuneKnobs Knobs { get; }

    public abstract int ClassCount { get; }

    /// <summary>The largest freezeDepth.</summary>
    public abstract int BlockCount { get; }

    /// <summary>Parameter-name prefixes frozen by freezeDepth <paramref name="depth"/>, in network order.</summary>
    public abstract IReadOnlyList<string> FrozenUnits(int depth);

    /// <summary>Prefixes of parameters that are not LoRA layers but stay frozen under LoRA (e.g. token embeddings).</summary>
    public virtual IReadOnlyList<string> FrozenUnderLora => [];

    /// <summary>
    /// The logits of the scored positions and their labels: by default forward(inputs) with the labels as given; a
    /// model may skip positions that are not scored (label -100), as masked-token pretraining does.
    /// </summary>
    public virtual (Tensor Logits, Tensor Labels) Scored(Tensor inputs, Tensor labels) => (forward(inputs), labels);

    /// <summary>Every LoRA-capable layer with its module path (e.g. "blocks.1.conv").</summary>
    public IEnumerable<(string Name, LoraLayer Layer)> Layers() =>
        named_modules().Where(m => m.module is LoraLayer).Select(m => (m.name, (LoraLayer)m.module));
}
