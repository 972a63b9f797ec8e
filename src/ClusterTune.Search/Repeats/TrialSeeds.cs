using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Repeats;

/// <summary>Each trial's own training seed, derived from the sweep seed and the trial index (stable across restarts).</summary>
public static class TrialSeeds
{
    /// <summary>A seed in [0, 2^31) for trial <paramref name="index"/> of a sweep seeded with <paramref name="sweepSeed"/>.</summary>
    public static int Of(ulong sweepSeed, int index) => (int)(new Rng(sweepSeed, (ulong)index, 0x53454544UL).NextULong() >> 33);
}
