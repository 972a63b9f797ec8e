using System.Globalization;

namespace ClusterTune.Api.Contract;

/// <summary>
/// A job's shard: a stable hash of "namespace/name" into <see cref="Count"/> buckets. Every Trial and pod of the job
/// carries it in <see cref="LabelKeys.Shard"/>, so an operator silo lists and watches only the Trials and pods of the
/// shards it owns instead of every silo caching the whole cluster's (docs/operator.md "Shards").
/// </summary>
public static class JobShards
{
    /// <summary>How many shards there are: fixed (it is in every label), and divisible by 2, 3, 4, 5, 6, 8, 10 and 12 silos.</summary>
    public const int Count = 120;

    /// <summary>The shard of the job with this key ("namespace/name").</summary>
    public static int Of(string jobKey) => (int)(StableHash.Mix(StableHash.Fnv1a(jobKey)) % Count);

    /// <summary>The shard of the job <paramref name="name"/> in <paramref name="namespace"/>.</summary>
    public static int Of(string @namespace, string name) => Of($"{@namespace}/{name}");

    /// <summary>The label value of the job's shard.</summary>
    public static string Label(string @namespace, string name) => Of(@namespace, name).ToString(CultureInfo.InvariantCulture);
}

/// <summary>A hash that is the same in every process and version (string.GetHashCode is not): FNV-1a with splitmix64's finaliser.</summary>
public static class StableHash
{
    /// <summary>FNV-1a (64-bit) of <paramref name="s"/>'s UTF-16 code units, continuing from <paramref name="hash"/>.</summary>
    public static ulong Fnv1a(string s, ulong hash = 0xcbf29ce484222325UL)
    {
        foreach (var c in s)
        {
            hash ^= c;
            hash *= 0x100000001b3UL;
        }
        return hash;
    }

    /// <summary>splitmix64's finaliser: FNV alone is weak in its high bits for short, similar keys.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
