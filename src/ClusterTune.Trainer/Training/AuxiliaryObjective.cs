using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// The dynamic weight α(t) of the auxiliary objective in loss = main + α(t)·aux, as a pure function of the global
/// step: α goes from <see cref="Start"/> at step 0 to <see cref="End"/> at the last step, linearly or along a half
/// cosine (like the LR schedule, a function of the step so a resume is exact).
/// </summary>
public sealed record AuxWeightSchedule(double Start, double End, LrDecay Shape, long TotalSteps)
{
    /// <summary>α at a (0-based) step; steps past the end keep <see cref="End"/>.</summary>
    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var progress = TotalSteps <= 1 ? 1.0 : Math.Min(1.0, (double)step / (TotalSteps - 1));
        var remaining = Shape switch
        {
            LrDecay.Constant => 1.0,
            LrDecay.Linear => 1 - progress,
            _ => 0.5 * (1 + Math.Cos(Math.PI * progress)),
        };
        return Shape == LrDecay.Constant ? Start : End + ((Start - End) * remaining);
    }
}

/// <summary>
/// L2-SP (Li, Grandvalet &amp; Davoine 2018), the auxiliary objective `auxObjective: l2sp`: Σ‖θ − θ₀‖² over the adapted
/// parameters, θ₀ their values when fine-tuning began (the pretrained weights for full fine-tuning; the adapters'
/// initial values for LoRA, where B·A starts at 0). It pulls the fine-tuned weights toward the starting point instead
/// of toward zero; the new head is left out (it has no starting point worth keeping).
/// </summary>
public sealed class L2SpPenalty : IDisposable
{
    private readonly List<(Parameter Parameter, Tensor Start)> _pairs;

    /// <summary>Snapshots θ₀ of <paramref name="parameters"/>; call before any step (and before loading a resume state).</summary>
    public L2SpPenalty(IEnumerable<Parameter> parameters)
    {
        using var _ = no_grad();
        _pairs = parameters.Select(p => (p, p.detach().clone())).ToList();
    }

    /// <summary>Σ‖θ − θ₀‖² over the parameters that train now (a frozen one cannot move, so it adds nothing).</summary>
    public Tensor Compute()
    {
        Tensor? sum = null;
        foreach (var (p, start) in _pairs.Where(x => x.Parameter.requires_grad))
        {
            var term = (p - start).square().sum();
            sum = sum is null ? term : sum + term;
        }

        return sum ?? zeros(1).sum();
    }

    /// <summary>The current distance ‖θ − θ₀‖ over every parameter (a measure for logs and tests).</summary>
    public double Distance()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return Math.Sqrt(_pairs.Sum(x => (x.Parameter - x.Start).square().sum().item<float>()));
    }

    public void Dispose()
    {
        foreach (var (_, start) in _pairs)
        {
            start.Dispose();
        }
    }
}
