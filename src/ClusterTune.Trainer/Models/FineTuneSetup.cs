using TorchSharp.Modules;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// Applies the freezing of docs/design/knobs.md to a <see cref="FineTuneModel"/> built with its knobs: the stem and the
/// first k blocks stop requiring gradients, and so do the base weights of untargeted layers when r &gt; 0 (the
/// targeted ones froze when their adapters were built). Splits what stays trainable into the "adapted" group
/// (pretraining LR × lrFactor) and the "head" group (× headLrFactor).
/// </summary>
public static class FineTuneSetup
{
    /// <summary>Mutates <paramref name="model"/>'s requires_grad flags and returns the resulting parameter split.</summary>
    public static FineTunePlan Apply(FineTuneModel model)
    {
        var knobs = model.Knobs;
        IReadOnlyList<string> frozen = knobs.LoraRank > 0 ? [.. model.FrozenUnits(knobs.FreezeDepth), .. model.FrozenUnderLora] : model.FrozenUnits(knobs.FreezeDepth);
        if (knobs.LoraRank > 0)
        {
            foreach (var (name, layer) in model.Layers())
            {
                if (!name.StartsWith(FineTuneModel.HeadName, StringComparison.Ordinal))
                {
                    layer.Weight.requires_grad = false;
                }
            }
        }

        var adapted = new List<(string, Parameter)>();
        var head = new List<(string, Parameter)>();
        long total = 0, trainable = 0;
        foreach (var (name, p) in model.named_parameters())
        {
            total += p.numel();
            if (frozen.Any(name.StartsWith))
            {
                p.requires_grad = false;
            }

            if (!p.requires_grad)
            {
                continue;
            }

            trainable += p.numel();
            (name.StartsWith(FineTuneModel.HeadName + ".", StringComparison.Ordinal) ? head : adapted).Add((name, p));
        }

        return new FineTunePlan(adapted, head, trainable, total);
    }
}
