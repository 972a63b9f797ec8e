namespace ClusterTune.Torch.Modules;

/// <summary>GELU (exact, or the tanh approximation).</summary>
public sealed class GELU(bool tanhApproximation = false) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Gelu(tanhApproximation);
}
