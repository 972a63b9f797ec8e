namespace ClusterTune.Trainer.Data;

/// <summary>
/// The example order of an epoch, a pure function of (seed, epoch): a resumed trial recomputes exactly the order
/// the interrupted one used, so pause/resume does not change which examples later steps see.
/// </summary>
public static class BatchOrder
{
    /// <summary>A permutation of 0..<paramref name="count"/>-1 for <paramref name="epoch"/>.</summary>
    public static int[] Permutation(int count, int seed, int epoch)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        new Random(HashCode32(seed, epoch)).Shuffle(order);
        return order;
    }

    /// <summary>Number of batches per epoch (the last batch may be smaller; it is kept).</summary>
    public static int BatchesPerEpoch(int count, int batchSize) => (count + batchSize - 1) / batchSize;

    // A fixed mix (not HashCode.Combine, which is randomized per process) so orders are stable across runs.
    private static int HashCode32(int seed, int epoch)
    {
        unchecked
        {
            var h = (uint)seed * 0x9E3779B1u;
            h ^= (uint)epoch + 0x7F4A7C15u + (h << 6) + (h >> 2);
            return (int)(h & 0x7FFFFFFF);
        }
    }
}
