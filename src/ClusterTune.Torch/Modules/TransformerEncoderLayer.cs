namespace ClusterTune.Torch.Modules;

/// <summary>
/// PyTorch's nn.TransformerEncoderLayer (batch_first): self-attention and a 2-layer MLP, each with dropout, a
/// residual connection and layer norm (post-norm by default, pre-norm with normFirst). Children: "self_attn",
/// "linear1", "linear2", "norm1", "norm2".
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
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, dropout, generator));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, true, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, true, generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout));
    }

    /// <summary>Self-attention block.</summary>
    public MultiheadAttention SelfAttn { get; }
    /// <summary>MLP up-projection.</summary>
    public Linear Linear1 { get; }
    /// <summary>MLP down-projection.</summary>
    public Linear Linear2 { get; }
    /// <summary>Dropout inside the MLP.</summary>
    public Dropout Dropout { get; }
    /// <summary>Norm after (or before) attention.</summary>
    public LayerNorm Norm1 { get; }
    /// <summary>Norm after (or before) the MLP.</summary>
    public LayerNorm Norm2 { get; }
    /// <summary>Dropout on the attention output.</summary>
    public Dropout Dropout1 { get; }
    /// <summary>Dropout on the MLP output.</summary>
    public Dropout Dropout2 { get; }

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
        using var a = SelfAttn.Forward(x, mask);
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
