namespace ClusterTune.Search.Bench;

/// <summary>
/// Seeded noise shared bit for bit with optuna_runner.py: SplitMix64 mixing of integer keys, then Box–Muller.
/// Keep both copies identical; the bench checks agreement on fixed points before it runs.
/// </summary>
internal static class SimHash
{
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Hash(params ulong[] keys)
    {
        var x = 0x9E3779B97F4A7C15UL;
        foreach (var k in keys)
        {
            x = Mix((x ^ k) + 0x9E3779B97F4A7C15UL);
        }

        return x;
    }

    public static double Gaussian(params ulong[] keys)
    {
        var h1 = Hash(keys);
        var h2 = Mix(h1 ^ 0xD1B54A32D192ED03UL);
        var u1 = ((h1 >> 11) + 0.5) / 9007199254740992.0;
        var u2 = ((h2 >> 11) + 0.5) / 9007199254740992.0;
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static ulong Bits(double x) => (ulong)BitConverter.DoubleToInt64Bits(x);
}
