using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Data;

/// <summary>Token-id sequences of one length (N×L, [PAD] = 0 filled) with a class label each.</summary>
public sealed class TokenDataset : IExampleSet
{
    public TokenDataset(string name, long[] ids, int[] labels, int length, int classCount)
    {
        if (ids.Length != (long)labels.Length * length)
        {
            throw new ArgumentException($"{name}: {ids.Length} token ids do not match {labels.Length} sequences of {length}", nameof(ids));
        }

        Name = name;
        Ids = ids;
        Labels = labels;
        Length = length;
        ClassCount = classCount;
    }

    public string Name { get; }

    public long[] Ids { get; }

    public int[] Labels { get; }

    /// <summary>Tokens per sequence.</summary>
    public int Length { get; }

    public int ClassCount { get; }

    public int Count => Labels.Length;

    /// <summary>Encodes <paramref name="documents"/> (first <paramref name="length"/> tokens of each).</summary>
    public static TokenDataset Encode(string name, Vocabulary vocabulary, IReadOnlyList<IReadOnlyList<string>> documents, int[] labels, int length, int classCount)
    {
        var ids = new long[documents.Count * length];
        for (var i = 0; i < documents.Count; i++)
        {
            vocabulary.Encode(documents[i], ids.AsSpan(i * length, length));
        }

        return new TokenDataset(name, ids, labels, length, classCount);
    }

    public TokenDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var ids = new long[indices.Count * Length];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Array.Copy(Ids, (long)indices[i] * Length, ids, (long)i * Length, Length);
            labels[i] = Labels[indices[i]];
        }

        return new TokenDataset(name ?? Name, ids, labels, Length, ClassCount);
    }

    public (Tensor Inputs, Tensor Labels) Tensors(ReadOnlySpan<int> indices)
    {
        var inputs = empty([indices.Length, Length], ScalarType.Int64);
        var labels = empty([indices.Length], ScalarType.Int64);
        var idSpan = MemoryMarshal.Cast<byte, long>(inputs.bytes);
        var labelSpan = MemoryMarshal.Cast<byte, long>(labels.bytes);
        for (var i = 0; i < indices.Length; i++)
        {
            Ids.AsSpan(indices[i] * Length, Length).CopyTo(idSpan.Slice(i * Length, Length));
            labelSpan[i] = Labels[indices[i]];
        }

        return (inputs, labels);
    }
}
