namespace ClusterTune.Telemetry.Prometheus;

/// <summary>An immutable label-value tuple with structural equality (dictionary key of a family's children).</summary>
internal sealed class LabelValues : IEquatable<LabelValues>
{
    private readonly int _hash;

    public LabelValues(string[] values)
    {
        Values = values;
        var h = new HashCode();
        foreach (var v in values)
        {
            h.Add(v, StringComparer.Ordinal);
        }
        _hash = h.ToHashCode();
    }

    public string[] Values { get; }

    public bool Equals(LabelValues? other) =>
        other is not null && other._hash == _hash && Values.AsSpan().SequenceEqual(other.Values);

    public override bool Equals(object? obj) => Equals(obj as LabelValues);

    public override int GetHashCode() => _hash;

    /// <summary>Ordinal comparison for deterministic output order.</summary>
    public static int Compare(LabelValues a, LabelValues b)
    {
        for (int i = 0; i < Math.Min(a.Values.Length, b.Values.Length); i++)
        {
            int c = string.CompareOrdinal(a.Values[i], b.Values[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Values.Length.CompareTo(b.Values.Length);
    }
}
