using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Lora;

/// <summary>
/// A linear or convolution layer with PyTorch's parameter names ("weight", "bias") and default init, plus an optional
/// LoRA adapter: W' = W + (alpha/r)·B·A with A [r, in·k·k] random (Linear's init) and B [out, r] zero, so a fresh
/// adapter leaves outputs exactly unchanged. A convolution's weight is adapted as its [out, in·k·k] matrix. With an
/// adapter the base weight is frozen and the bias stays trainable (docs/design/knobs.md). The adapter is part of the
/// layer rather than a wrapper because a TorchSharp module cannot replace a registered child.
/// </summary>
public sealed class LoraLayer : nn.Module<Tensor, Tensor>
{
    public const string AName = "lora_A";
    public const string BName = "lora_B";
    public const string WeightName = "weight";
    public const string BiasName = "bias";
    public const string ConvKind = "conv";
    public const string LinearKind = "linear";

    private readonly long[] _weightShape;
    private readonly long[]? _padding;

    // TorchSharp registers Module/Parameter fields by reflection (RegisterComponents); ComponentName gives the
    // state-dict name, and no other field or auto-property may hold them (it would be registered a second time).
    [ComponentName(Name = WeightName)]
    private readonly Parameter _weight;
    [ComponentName(Name = BiasName)]
    private readonly Parameter _bias;
    [ComponentName(Name = AName)]
    private readonly Parameter? _a;
    [ComponentName(Name = BName)]
    private readonly Parameter? _b;

    private LoraLayer(string kind, long[] weightShape, long[]? padding, int rank, double alpha, Device? device)
        : base(kind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        _weightShape = weightShape;
        _padding = padding;
        var fanIn = weightShape.Skip(1).Aggregate(1L, (a, b) => a * b);
        // Built on its device, never moved: Module.to() would replace the parameters these properties hold.
        _weight = new Parameter(Uniform(weightShape, fanIn, device));
        _bias = new Parameter(Uniform([weightShape[0]], fanIn, device));
        Rank = rank;
        if (rank > 0)
        {
            _weight.requires_grad = false;
            Scale = alpha / rank;
            _a = new Parameter(Uniform([rank, fanIn], fanIn, device));
            _b = new Parameter(zeros([weightShape[0], rank], device: device));
        }

        RegisterComponents();
    }

    /// <summary>Adapter rank; 0 = a plain layer.</summary>
    public int Rank { get; }

    /// <summary>alpha / r (0 without an adapter).</summary>
    public double Scale { get; }

    public Parameter Weight => _weight;

    public Parameter Bias => _bias;

    public Parameter? A => _a;

    public Parameter? B => _b;

    /// <summary>A square convolution with stride 1 and the given zero padding.</summary>
    public static LoraLayer Conv(long inChannels, long outChannels, long kernelSize, long padding, int rank = 0, double alpha = 1, Device? device = null) =>
        new(ConvKind, [outChannels, inChannels, kernelSize, kernelSize], [padding, padding], rank, alpha, device);

    /// <summary>y = x·Wᵀ + b with W [out, in].</summary>
    public static LoraLayer Linear(long inFeatures, long outFeatures, int rank = 0, double alpha = 1, Device? device = null) =>
        new(LinearKind, [outFeatures, inFeatures], null, rank, alpha, device);

    /// <summary>W + scale·B·A in the base weight's shape (differentiable in A and B); W itself without an adapter.</summary>
    public Tensor EffectiveWeight()
    {
        if (A is null || B is null)
        {
            return Weight.alias();
        }

        using var ba = B.matmul(A);
        using var scaled = ba.mul(Scale);
        using var shaped = scaled.view(_weightShape);
        return Weight.add(shaped);
    }

    public override Tensor forward(Tensor input)
    {
        using var weight = EffectiveWeight();
        if (_padding is not { } padding)
        {
            return F.linear(input, weight, Bias);
        }

        if (weight.device_type != TorchSharp.DeviceType.CPU)
        {
            return F.conv2d(input, weight, Bias, padding: padding);
        }

        // CPU: a channels-last (NHWC) weight keeps oneDNN's conv stack in NHWC (no reorders; vectorized NHWC ReLU and
        // max-pool): ~1.6x steps/s (docs/trainer.md). as_strided, as contiguous() is a no-op for one input channel.
        using var nhwc = weight.permute(0, 2, 3, 1).contiguous();
        long c = _weightShape[1], h = _weightShape[2], w = _weightShape[3];
        using var channelsLast = nhwc.as_strided(_weightShape, [h * w * c, 1, w * c, c]);
        return F.conv2d(input, channelsLast, Bias, padding: padding);
    }

    // PyTorch's default for Linear and Conv weights (kaiming_uniform_ with a = √5) and biases: U(-1/√fanIn, 1/√fanIn).
    private static Tensor Uniform(long[] shape, long fanIn, Device? device)
    {
        var bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0;
        return empty(shape, device: device).uniform_(-bound, bound);
    }
}
