namespace ClusterTune.Torch.Modules;

/// <summary>2-d max pooling with a square kernel (stride defaults to the kernel size).</summary>
public sealed class MaxPool2d(long kernelSize, long? stride = null, long padding = 0) : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        Functional.MaxPool2d(input, (kernelSize, kernelSize), (stride ?? kernelSize, stride ?? kernelSize), (padding, padding));
}
