using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>
/// Sobol low-discrepancy points (Joe–Kuo direction numbers, 21 dimensions; further dimensions fall back to seeded
/// random) with a seeded digital shift. Trial index n takes point n + 1, so the sequence needs no state; a point that
/// violates the constraint is replaced by a seeded random feasible draw.
/// </summary>
internal sealed class SobolSampler : ISampler
{
    // (s, a, m1..ms) for dimensions 2..21 from new-joe-kuo-6.21201; dimension 1 is van der Corput.
    private static readonly int[][] JoeKuo =
    [
        [1, 0, 1], [2, 1, 1, 3], [3, 1, 1, 3, 1], [3, 2, 1, 1, 1], [4, 1, 1, 1, 3, 3], [4, 4, 1, 3, 5, 13],
        [5, 2, 1, 1, 5, 5, 17], [5, 4, 1, 1, 5, 5, 5], [5, 7, 1, 1, 7, 11, 19], [5, 11, 1, 1, 5, 1, 1],
        [5, 13, 1, 1, 1, 3, 11], [5, 14, 1, 3, 5, 5, 31], [6, 1, 1, 3, 3, 9, 7, 49], [6, 13, 1, 1, 1, 15, 21, 21],
        [6, 16, 1, 3, 1, 13, 27, 49], [6, 19, 1, 1, 1, 15, 7, 5], [6, 22, 1, 3, 1, 15, 13, 25],
        [6, 25, 1, 1, 5, 5, 19, 61], [7, 1, 1, 3, 7, 11, 23, 15, 103], [7, 4, 1, 3, 7, 13, 13, 15, 69],
    ];

    private const int Bits = 32;
    private static readonly uint[][] Directions = BuildDirections();
    private readonly SearchSpace _space;
    private readonly ulong _seed;
    private readonly uint[] _shift;

    public SobolSampler(SearchSpace space, ulong seed)
    {
        _space = space;
        _seed = seed;
        var rng = new Rng(seed, 0x534F424FUL);
        _shift = Enumerable.Range(0, Directions.Length).Select(_ => (uint)rng.NextULong()).ToArray();
    }

    public static int MaxDimensions => Directions.Length;

    public IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch)
    {
        var fallback = new Rng(_seed, (ulong)index, 0x534F4246UL);
        var extra = Enumerable.Range(0, _space.Parameters.Count).Select(_ => fallback.NextDouble()).ToArray();
        var a = UnitAssignment.Decode(_space, d => d < Directions.Length ? Point((ulong)index + 1, d, _shift[d]) : extra[d]);
        return _space.IsFeasible(a) ? a : UnitAssignment.RandomFeasible(_space, fallback);
    }

    /// <summary>Coordinate <paramref name="dim"/> of Sobol point <paramref name="n"/> XOR-shifted by <paramref name="xorShift"/>.</summary>
    public static double Point(ulong n, int dim, uint xorShift = 0)
    {
        uint x = 0;
        var v = Directions[dim];
        for (var k = 0; n != 0 && k < Bits; k++, n >>= 1)
        {
            if ((n & 1) != 0)
            {
                x ^= v[k];
            }
        }

        return (x ^ xorShift) / 4294967296.0;
    }

    private static uint[][] BuildDirections()
    {
        var dirs = new uint[JoeKuo.Length + 1][];
        dirs[0] = Enumerable.Range(0, Bits).Select(k => 1u << (Bits - 1 - k)).ToArray();
        for (var d = 0; d < JoeKuo.Length; d++)
        {
            var row = JoeKuo[d];
            int s = row[0], a = row[1];
            var v = new uint[Bits];
            for (var k = 0; k < s && k < Bits; k++)
            {
                v[k] = (uint)row[2 + k] << (Bits - 1 - k);
            }

            for (var k = s; k < Bits; k++)
            {
                var x = v[k - s] ^ (v[k - s] >> s);
                for (var j = 1; j < s; j++)
                {
                    if (((a >> (s - 1 - j)) & 1) != 0)
                    {
                        x ^= v[k - j];
                    }
                }

                v[k] = x;
            }

            dirs[d + 1] = v;
        }

        return dirs;
    }
}
