namespace ClusterTune.Trainer.Data;

/// <summary>
/// A word vocabulary: [PAD] = 0, [UNK] = 1, [MASK] = 2, then the corpus's most frequent tokens (count desc, then
/// ordinal). Built from the pretraining corpus only and stored with the checkpoint (vocab.txt, one token per line),
/// so a fine-tune encodes text exactly as the base model saw it.
/// </summary>
public sealed class Vocabulary
{
    public const string FileName = "vocab.txt";
    public const int Pad = 0;
    public const int Unknown = 1;
    public const int Mask = 2;
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[MASK]"];

    private readonly Dictionary<string, int> _ids;

    public Vocabulary(IReadOnlyList<string> tokens)
    {
        if (tokens.Count < Specials.Length || !tokens.Take(Specials.Length).SequenceEqual(Specials))
        {
            throw new InvalidDataException($"a vocabulary starts with {string.Join(", ", Specials)}");
        }

        Tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            if (!_ids.TryAdd(tokens[i], i))
            {
                throw new InvalidDataException($"vocabulary token '{tokens[i]}' appears twice (lines {_ids[tokens[i]] + 1} and {i + 1})");
            }
        }
    }

    public IReadOnlyList<string> Tokens { get; }

    public int Count => Tokens.Count;

    /// <summary>The specials plus up to <paramref name="size"/> − 3 tokens seen at least <paramref name="minCount"/> times.</summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> documents, int size, int minCount)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in documents.SelectMany(d => d))
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        var words = counts.Where(kv => kv.Value >= minCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, size - Specials.Length)).Select(kv => kv.Key);
        return new Vocabulary([.. Specials, .. words]);
    }

    public static Vocabulary Read(string path) => new(File.ReadAllLines(path));

    public void Write(string path) => File.WriteAllLines(path, Tokens);

    /// <summary>The first <paramref name="length"/> token ids of <paramref name="tokens"/>, [PAD]-filled.</summary>
    public void Encode(IReadOnlyList<string> tokens, Span<long> ids)
    {
        ids.Clear();
        for (var i = 0; i < Math.Min(ids.Length, tokens.Count); i++)
        {
            ids[i] = _ids.TryGetValue(tokens[i], out var id) ? id : Unknown;
        }
    }
}
