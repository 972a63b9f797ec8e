using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// TorchSharp's AdamW over named parameter groups, each with its base learning rate, so a schedule can set every
/// group to base × factor at each step (docs/design/knobs.md: adapted weights at lrFactor, the new head at headLrFactor).
/// </summary>
public sealed class GroupedAdamW : IDisposable
{
    private readonly double[] _baseLrs;

    /// <summary>One group per entry (empty groups are left out); decoupled weight decay as in PyTorch's AdamW.</summary>
    public GroupedAdamW(IReadOnlyList<(string Name, IReadOnlyList<Parameter> Parameters, double Lr)> groups, double weightDecay)
    {
        var used = groups.Where(g => g.Parameters.Count > 0).ToList();
        if (used.Count == 0)
        {
            throw new ArgumentException("AdamW needs at least one trainable parameter", nameof(groups));
        }

        foreach (var (name, _, lr) in used)
        {
            if (!(lr >= 0) || !double.IsFinite(lr))
            {
                throw new ArgumentOutOfRangeException(nameof(groups), $"group '{name}' has learning rate {lr}; it must be a finite number >= 0");
            }
        }

        _baseLrs = used.Select(g => g.Lr).ToArray();
        Optimizer = optim.AdamW(used.Select(g => new AdamW.ParamGroup(g.Parameters, lr: g.Lr, weight_decay: weightDecay)));
    }

    public AdamW Optimizer { get; }

    /// <summary>Sets every group's learning rate to its base rate × <paramref name="multiplier"/>, the LR schedule's value for this step (warm-up, decay); not the lrFactor knob, which is already in each base rate.</summary>
    public void ApplyScheduleMultiplier(double multiplier)
    {
        var i = 0;
        foreach (var group in Optimizer.ParamGroups)
        {
            group.LearningRate = _baseLrs[i++] * multiplier;
        }
    }

    /// <summary>The current learning rate of group <paramref name="index"/>.</summary>
    public double Lr(int index) => Optimizer.ParamGroups.ElementAt(index).LearningRate;

    public void Dispose() => Optimizer.Dispose();
}
