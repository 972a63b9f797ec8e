namespace ClusterTune.Torch.Modules;

/// <summary>Layer norm over the trailing dimensions, parameters "weight" (1) and "bias" (0).</summary>
public sealed class LayerNorm : Module
{
    private readonly long[] _shape;

    /// <summary>Normalises over the last dimension of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(long normalizedShape, double eps = 1e-5, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    /// <summary>Normalises over the trailing dimensions given.</summary>
    public LayerNorm(long[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        _shape = (long[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", Tensor.Ones(_shape));
            Bias = RegisterParameter("bias", Tensor.Zeros(_shape));
        }
    }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }
    /// <summary>Scale, or null without affine.</summary>
    public Tensor? Weight { get; }
    /// <summary>Shift, or null without affine.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _shape, Weight, Bias, Eps);
}
