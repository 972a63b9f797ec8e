namespace ClusterTune.Torch.Modules;

/// <summary>Lookup table "weight" [num, dim], N(0, 1) init; the padding row (if any) starts at zero and gets no gradient.</summary>
public sealed class Embedding : Module
{
    private readonly long _paddingIdx;

    /// <summary>Creates the table, initialised from <paramref name="generator"/> (or the global generator).</summary>
    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null, Generator? generator = null)
    {
        _paddingIdx = paddingIdx ?? -1;
        Weight = RegisterParameter("weight", Tensor.Empty([numEmbeddings, embeddingDim]).Normal_(0, 1, generator));
        if (paddingIdx is { } p)
        {
            using var row = Weight.Select(0, p);
            using var _ = Torch.NoGrad();
            row.Zero_();
        }
    }

    /// <summary>[num, dim].</summary>
    public Tensor Weight { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Embedding(Weight, input, _paddingIdx);
}
