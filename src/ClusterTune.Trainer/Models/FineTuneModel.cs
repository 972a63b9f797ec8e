using ClusterTune.Trainer.Lora;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// A model the fine-tuning knobs apply to (docs/design/knobs.md): units "0..BlockCount-1" that freezeDepth freezes
/// after the stem/embedding, LoRA adapters built into its <see cref="LoraLayer"/>s, and a "head" that a fine-tune
/// replaces. The reference CNN and the text encoder are the two.
/// </summary>
public abstract class FineTuneModel(string name, int classCount, FineTuneKnobs? knobs) : nn.Module<Tensor, Tensor>(name)
{
    public const string HeadName = "head";

    /// <summary>Architecture name recorded in checkpoint manifests.</summary>
    public abstract string ArchitectureName { get; }

    public FineTuneKnobs Knobs { get; } = knobs ?? FineTuneKnobs.None;

    /// <summary>The knobs' loraTargets, or <paramref name="defaults"/> when empty; a kind outside <paramref name="allowed"/> is refused naming the knob.</summary>
    protected IReadOnlyCollection<string> LoraTargets(string[] defaults, string[] allowed)
    {
        IReadOnlyCollection<string> targets = Knobs.LoraTargets.Count == 0 ? defaults : Knobs.LoraTargets;
        return targets.Except(allowed).ToList() is { Count: > 0 } unknown
            ? throw new ArgumentException($"loraTargets {string.Join(",", unknown)} do not exist in {ArchitectureName}; use {string.Join(", ", allowed)} (default {string.Join(",", defaults)})")
            : targets;
    }

    /// <summary>Outputs of the head.</summary>
    public int ClassCount { get; } = classCount;

    /// <summary>The largest freezeDepth.</summary>
    public abstract int BlockCount { get; }

    /// <summary>Parameter-name prefixes frozen by freezeDepth <paramref name="depth"/>, in network order.</summary>
    public abstract IReadOnlyList<string> FrozenUnits(int depth);

    /// <summary>Prefixes of parameters that are not LoRA layers but stay frozen under LoRA (e.g. token embeddings).</summary>
    public virtual IReadOnlyList<string> FrozenUnderLora => [];

    /// <summary>
    /// The logits [rows, classes] of the scored positions and their labels [rows], the only shape the loss and the
    /// evaluation take: by default forward(inputs) with the labels as given; masked-token pretraining keeps the
    /// masked positions alone (the others are labelled -100).
    /// </summary>
    public virtual (Tensor Logits, Tensor Labels) Scored(Tensor inputs, Tensor labels) => (forward(inputs), labels);

    /// <summary>Every LoRA-capable layer with its module path (e.g. "blocks.1.conv").</summary>
    public IEnumerable<(string Name, LoraLayer Layer)> Layers() =>
        named_modules().Where(m => m.module is LoraLayer).Select(m => (m.name, (LoraLayer)m.module));
}
