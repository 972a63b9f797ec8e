namespace ClusterTune.Torch.Modules;

/// <summary>Dropout with probability P in training mode, identity in eval mode (uses the global generator).</summary>
public sealed class Dropout(double p = 0.5) : Module
{
    /// <summary>Drop probability.</summary>
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training);
}
