namespace ClusterTune.Torch.Modules;

/// <summary>y = x·Wᵀ + b with W [out, in]; parameters "weight" and "bias", PyTorch's default init.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer, initialised from <paramref name="generator"/> (or the global generator).</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true, Generator? generator = null)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Init.KaimingUniform(Tensor.Empty([outFeatures, inFeatures]), inFeatures, generator));
        if (bias) Bias = RegisterParameter("bias", Init.BiasUniform(Tensor.Empty([outFeatures]), inFeatures, generator));
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }
    /// <summary>Output width.</summary>
    public long OutFeatures { get; }
    /// <summary>[out, in].</summary>
    public Tensor Weight { get; }
    /// <summary>[out], or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
