namespace ClusterTune.Torch.Modules;

/// <summary>Average pooling to a fixed output size (1 gives global average pooling).</summary>
public sealed class AdaptiveAvgPool2d(long outputH, long outputW) : Module
{
    /// <summary>Square output size.</summary>
    public AdaptiveAvgPool2d(long outputSize) : this(outputSize, outputSize) { }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, (outputH, outputW));
}
