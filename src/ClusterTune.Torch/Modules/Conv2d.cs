namespace ClusterTune.Torch.Modules;

/// <summary>2-d convolution, weight [out, in/groups, k, k]; parameters "weight" and "bias", PyTorch's default init.</summary>
public sealed class Conv2d : Module
{
    private readonly (long, long) _stride, _padding, _dilation;

    /// <summary>Creates the layer, initialised from <paramref name="generator"/> (or the global generator).</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1,
        long groups = 1, bool bias = true, Generator? generator = null)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"channels ({inChannels} in, {outChannels} out) must be divisible by groups ({groups})", nameof(groups));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Groups = groups;
        _stride = (stride, stride);
        _padding = (padding, padding);
        _dilation = (dilation, dilation);
        var fanIn = inChannels / groups * kernelSize * kernelSize;
        Weight = RegisterParameter("weight", Init.KaimingUniform(Tensor.Empty([outChannels, inChannels / groups, kernelSize, kernelSize]), fanIn, generator));
        if (bias) Bias = RegisterParameter("bias", Init.BiasUniform(Tensor.Empty([outChannels]), fanIn, generator));
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Square kernel size.</summary>
    public long KernelSize { get; }
    /// <summary>Channel groups.</summary>
    public long Groups { get; }
    /// <summary>[out, in/groups, k, k].</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null.</summary>
    public Tensor? Bias { get; }
    /// <summary>Stride (both dimensions).</summary>
    public long Stride => _stride.Item1;
    /// <summary>Zero padding (both dimensions).</summary>
    public long Padding => _padding.Item1;
    /// <summary>Dilation (both dimensions).</summary>
    public long Dilation => _dilation.Item1;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, _stride, _padding, _dilation, Groups);
}
