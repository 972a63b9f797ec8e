namespace ClusterTune.Torch.Modules;

/// <summary>
/// Multi-head self-attention on batch-first input [B, S, E] with PyTorch's parameter names ("in_proj_weight",
/// "in_proj_bias", "out_proj.weight", "out_proj.bias") and init (xavier-uniform in-projection, zero biases).
/// </summary>
public sealed class MultiheadAttention : Module
{
    /// <summary>Creates the layer; <paramref name="embedDim"/> must be divisible by <paramref name="numHeads"/>.</summary>
    public MultiheadAttention(long embedDim, long numHeads, double dropout = 0, Generator? generator = null)
    {
        if (numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"embedDim ({embedDim}) must be a positive multiple of numHeads ({numHeads})", nameof(numHeads));
        EmbedDim = embedDim;
        NumHeads = numHeads;
        DropoutP = dropout;
        InProjWeight = RegisterParameter("in_proj_weight", Init.XavierUniform(Tensor.Empty([3 * embedDim, embedDim]), embedDim, 3 * embedDim, generator));
        InProjBias = RegisterParameter("in_proj_bias", Tensor.Zeros([3 * embedDim]));
        var outProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, true, generator));
        using (Torch.NoGrad()) outProj.Bias!.Zero_();
    }

    /// <summary>Model width E.</summary>
    public long EmbedDim { get; }
    /// <summary>Number of heads.</summary>
    public long NumHeads { get; }
    /// <summary>Dropout on the attention weights (training only).</summary>
    public double DropoutP { get; }
    /// <summary>[3E, E]: query, key and value projections stacked.</summary>
    public Tensor InProjWeight { get; }
    /// <summary>[3E].</summary>
    public Tensor InProjBias { get; }
    /// <summary>Output projection (a Linear unless replaced).</summary>
    public Module OutProj => Child("out_proj");

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Self-attention; <paramref name="keyPaddingMask"/> is bool [B, S], true for padding positions to ignore.</summary>
    public Tensor Forward(Tensor x, Tensor? keyPaddingMask)
    {
        var shape = x.Shape;
        if (shape.Length != 3 || shape[2] != EmbedDim)
            throw new ArgumentException($"expected input [batch, seq, {EmbedDim}], got [{string.Join(", ", shape)}]", nameof(x));
        long b = shape[0], s = shape[1], h = NumHeads, dh = EmbedDim / NumHeads;
        using var qkv = Functional.Linear(x, InProjWeight, InProjBias);
        using var split = qkv.View(b, s, 3, h, dh);
        using var heads = split.Permute(2, 0, 3, 1, 4);          // [3, B, H, S, Dh]
        using var q = heads.Select(0, 0);
        using var k = heads.Select(0, 1);
        using var v = heads.Select(0, 2);
        using var mask = keyPaddingMask?.View(b, 1, 1, s);
        using var attn = Functional.ScaledDotProductAttention(q, k, v, mask, DropoutP, Training);
        using var merged = attn.Transpose(1, 2);
        using var flat = merged.Reshape(b, s, EmbedDim);
        return OutProj.Forward(flat);
    }
}
