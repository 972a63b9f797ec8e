using ClusterTune.Torch;
using ClusterTune.Torch.Modules;

namespace ClusterTune.Trainer.Lora;

/// <summary>
/// LoRA on a Linear or Conv2d (a convolution as its [out, in·k·k] matrix): W' = W + (alpha/r)·B·A with W frozen,
/// A [r, in·k·k] random (PyTorch's Linear init) and B [out, r] zero, so a fresh adapter leaves outputs exactly
/// unchanged. Parameter names keep the base layer's ("weight", "bias") plus "lora_A" and "lora_B"; the bias stays
/// trainable (design guide §5b).
/// </summary>
public sealed class LoraAdapter : Module
{
    public const string AName = "lora_A";
    public const string BName = "lora_B";

    private readonly Conv2d? _conv;
    private readonly long[] _weightShape;

    /// <summary>Wraps <paramref name="layer"/> (a Linear or Conv2d), taking over its tensors.</summary>
    public LoraAdapter(Module layer, int rank, double alpha, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        (Tensor weight, Tensor? bias) = layer switch
        {
            Linear l => (l.Weight, l.Bias),
            Conv2d c => (c.Weight, c.Bias),
            _ => throw new ArgumentException($"LoRA wraps Linear or Conv2d layers, not {layer.GetType().Name}", nameof(layer)),
        };
        _conv = layer as Conv2d;
        _weightShape = weight.Shape;
        var fanIn = _weightShape.Skip(1).Aggregate(1L, (a, b) => a * b);
        Rank = rank;
        Scale = alpha / rank;
        Weight = RegisterParameter("weight", weight);
        Weight.RequiresGrad = false;
        if (bias is not null)
        {
            Bias = RegisterParameter("bias", bias);
        }

        A = RegisterParameter(AName, Init.KaimingUniform(Tensor.Empty([rank, fanIn]), fanIn, generator));
        B = RegisterParameter(BName, Tensor.Zeros([_weightShape[0], rank]));
    }

    public int Rank { get; }

    /// <summary>alpha / r.</summary>
    public double Scale { get; }

    /// <summary>The frozen base weight.</summary>
    public Tensor Weight { get; }

    public Tensor? Bias { get; }

    public Tensor A { get; }

    public Tensor B { get; }

    /// <summary>W + scale·B·A in the base weight's shape (differentiable in A and B).</summary>
    public Tensor EffectiveWeight()
    {
        using var ba = B.MatMul(A);
        using var scaled = ba.Mul(Scale);
        using var shaped = scaled.View(_weightShape);
        return Weight.Add(shaped);
    }

    /// <summary>The merged weight as a new tensor without autograd history (for merged checkpoints).</summary>
    public Tensor MergedWeight()
    {
        using var noGrad = Torch.Torch.NoGrad();
        return EffectiveWeight();
    }

    public override Tensor Forward(Tensor input)
    {
        using var weight = EffectiveWeight();
        return _conv is { } c
            ? Functional.Conv2d(input, weight, Bias, (c.Stride, c.Stride), (c.Padding, c.Padding), (c.Dilation, c.Dilation), c.Groups)
            : Functional.Linear(input, weight, Bias);
    }
}
