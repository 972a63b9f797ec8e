namespace ClusterTune.Torch.Modules;

/// <summary>
/// PyTorch's nn.TransformerEncoderLayer (batch_first): self-attention and a 2-layer MLP, each with dropout, a
/// residual connection and layer norm (post-norm by default, pre-norm with normFirst). Children: "self_attn",
/// "linear1", "linear2", "norm1", "norm2" (replaceable with <see cref="Module.ReplaceChild"/>, e.g. by LoRA wrappers).
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    private readonly bool _normFirst;
    private readonly bool _gelu;

    /// <summary>Creates the layer, initialised from <paramref name="generator"/> (or the global generator).</summary>
    public TransformerEncoderLayer(long dModel, long nHead, long dimFeedforward = 2048, double dropout = 0.1,
        bool gelu = false, double layerNormEps = 1e-5, bool normFirst = false, Generator? generator = null)
    {
        _normFirst = normFirst;
        _gelu = gelu;
        RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, dropout, generator));
        RegisterModule("linear1", new Linear(dModel, dimFeedforward, true, generator));
        RegisterModule("dropout", new Dropout(dropout));
        RegisterModule("linear2", new Linear(dimFeedforward, dModel, true, generator));
        RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        RegisterModule("dropout1", new Dropout(dropout));
        RegisterModule("dropout2", new Dropout(dropout));
    }

    /// <summary>Self-attention block.</summary>
    public Module SelfAttn => Child("self_attn");
    /// <summary>MLP up-projection.</summary>
    public Module Linear1 => Child("linear1");
    /// <summary>MLP down-projection.</summary>
    public Module Linear2 => Child("linear2");
    /// <summary>Dropout inside the MLP.</summary>
    public Module Dropout => Child("dropout");
    /// <summary>Norm after (or before) attention.</summary>
    public Module Norm1 => Child("norm1");
    /// <summary>Norm after (or before) the MLP.</summary>
    public Module Norm2 => Child("norm2");
    /// <summary>Dropout on the attention output.</summary>
    public Module Dropout1 => Child("dropout1");
    /// <summary>Dropout on the MLP output.</summary>
    public Module Dropout2 => Child("dropout2");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Runs the layer on [B, S, E]; <paramref name="keyPaddingMask"/> is bool [B, S], true at padding.</summary>
    public Tensor Forward(Tensor x, Tensor? keyPaddingMask)
    {
        if (_normFirst)
        {
            using var n1 = Norm1.Forward(x);
            using var sa = AttentionBlock(n1, keyPaddingMask);
            using var x1 = x.Add(sa);
            using var n2 = Norm2.Forward(x1);
            using var ff = FeedForwardBlock(n2);
            return x1.Add(ff);
        }
        else
        {
            using var sa = AttentionBlock(x, keyPaddingMask);
            using var r1 = x.Add(sa);
            using var x1 = Norm1.Forward(r1);
            using var ff = FeedForwardBlock(x1);
            using var r2 = x1.Add(ff);
            return Norm2.Forward(r2);
        }
    }

    private Tensor AttentionBlock(Tensor x, Tensor? mask)
    {
        using var a = SelfAttn is MultiheadAttention mha ? mha.Forward(x, mask) : SelfAttn.Forward(x);
        return Dropout1.Forward(a);
    }

    private Tensor FeedForwardBlock(Tensor x)
    {
        using var h = Linear1.Forward(x);
        using var act = _gelu ? h.Gelu() : h.Relu();
        using var d = Dropout.Forward(act);
        using var o = Linear2.Forward(d);
        return Dropout2.Forward(o);
    }
}
