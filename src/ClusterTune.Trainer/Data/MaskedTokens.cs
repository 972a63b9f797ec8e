using static TorchSharp.torch;

namespace ClusterTune.Trainer.Data;

/// <summary>
/// Masked-token pretraining examples (BERT's recipe) over token sequences: 15 % of the non-[PAD] positions are
/// scored; of those 80 % become [MASK], 10 % a random token, 10 % stay. Labels are the original ids there and -100
/// elsewhere. With <paramref name="fixedMasks"/> (evaluation) an example is masked the same way every time;
/// otherwise each call draws new masks from the seeded stream.
/// </summary>
public sealed class MaskedTokens(TokenDataset sequences, int vocabularySize, int seed, bool fixedMasks) : IExampleSet
{
    public const double MaskFraction = 0.15;
    public const long Ignored = -100;
    private readonly Random _stream = new(seed);

    public string Name => $"{sequences.Name} (masked)";

    public int Count => sequences.Count;

    public int ClassCount => vocabularySize;

    public (Tensor Inputs, Tensor Labels) Tensors(ReadOnlySpan<int> indices)
    {
        var length = sequences.Length;
        var inputs = new long[indices.Length * length];
        var labels = new long[indices.Length * length];
        Array.Fill(labels, Ignored);
        for (var i = 0; i < indices.Length; i++)
        {
            var random = fixedMasks ? new Random(HashCode.Combine(seed, indices[i])) : _stream;
            var source = sequences.Ids.AsSpan(indices[i] * length, length);
            for (var t = 0; t < length; t++)
            {
                var id = source[t];
                inputs[(i * length) + t] = id;
                if (id == Vocabulary.Pad || random.NextDouble() >= MaskFraction)
                {
                    continue;
                }

                labels[(i * length) + t] = id;
                var roll = random.NextDouble();
                inputs[(i * length) + t] = roll < 0.8 ? Vocabulary.Mask : roll < 0.9 ? random.Next(Vocabulary.Mask + 1, vocabularySize) : id;
            }
        }

        return (tensor(inputs).view(indices.Length, length), tensor(labels).view(indices.Length, length));
    }
}
