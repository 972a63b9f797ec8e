using ClusterTune.Torch;
using ClusterTune.Torch.Modules;
using ClusterTune.Trainer.Lora;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// Applies the three knobs of design guide §5b to a <see cref="ReferenceCnn"/>: freezes the stem and the first k
/// blocks, wraps the targeted layers of the unfrozen units in LoRA adapters when r &gt; 0, and splits the trainable
/// parameters into the "adapted" group (pretraining LR × lrFactor) and the "head" group (× headLrFactor).
/// </summary>
public static class FineTuneSetup
{
    /// <summary>Mutates <paramref name="model"/> and returns the resulting parameter split.</summary>
    public static FineTunePlan Apply(ReferenceCnn model, int freezeDepth, int loraRank, double? loraAlpha, IReadOnlyCollection<string> loraTargets, Generator generator)
    {
        var frozen = ReferenceCnn.FrozenPrefixes(freezeDepth);
        if (loraRank > 0)
        {
            // Units in network order: the stem is unit 0, block i is unit i+1; only unfrozen units get adapters.
            var units = new List<(string Prefix, Module Unit)> { (ReferenceCnn.StemName, model.Stem) };
            units.AddRange(model.BlockModules().Select(b => ($"{ReferenceCnn.BlocksName}.{b.Index}", b.Block)));
            foreach (var (prefix, unit) in units)
            {
                if (frozen.Contains(prefix + "."))
                {
                    continue;
                }

                foreach (var (name, layer) in unit.NamedChildren().ToList())
                {
                    var kind = layer switch { Conv2d => "conv", Linear => "linear", _ => null };
                    if (kind is null)
                    {
                        continue;
                    }

                    if (loraTargets.Contains(kind))
                    {
                        unit.ReplaceChild(name, new LoraAdapter(layer, loraRank, loraAlpha ?? loraRank, generator));
                    }
                    else
                    {
                        // r > 0 freezes the base weights of unfrozen units; an untargeted layer keeps only its bias trainable.
                        var weight = layer is Conv2d c ? c.Weight : ((Linear)layer).Weight;
                        weight.RequiresGrad = false;
                    }
                }
            }
        }

        var adapted = new List<(string, Tensor)>();
        var head = new List<(string, Tensor)>();
        foreach (var (name, p) in model.NamedParameters())
        {
            if (frozen.Any(name.StartsWith))
            {
                p.RequiresGrad = false;
            }

            if (!p.RequiresGrad)
            {
                continue;
            }

            (name.StartsWith(ReferenceCnn.HeadName + ".", StringComparison.Ordinal) ? head : adapted).Add((name, p));
        }

        return new FineTunePlan(adapted, head, model.CountParameters(trainableOnly: true), model.CountParameters());
    }
}
