namespace ClusterTune.Trainer.Models;

/// <summary>
/// Gradual unfreezing (ULMFiT, Howard &amp; Ruder 2018), as the `unfreezeEvery` knob: training starts with the stem
/// and every block frozen (only the new head learns), and every N epochs one more block is unfrozen from the top
/// down, until the trial's own `freezeDepth` is reached. N = 0 turns it off (the depth is `freezeDepth` throughout).
/// </summary>
public static class GradualUnfreezing
{
    /// <summary>The freezing depth in force during (0-based) <paramref name="epoch"/>: max(freezeDepth, blocks − ⌊epoch / N⌋).</summary>
    public static int DepthAt(int epoch, int freezeDepth, int unfreezeEvery, int blockCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(unfreezeEvery);
        if (freezeDepth < 0 || freezeDepth > blockCount)
        {
            throw new ArgumentOutOfRangeException(nameof(freezeDepth), freezeDepth, $"freezeDepth must be in 0..{blockCount}");
        }

        return unfreezeEvery == 0 ? freezeDepth : Math.Max(freezeDepth, blockCount - (epoch / unfreezeEvery));
    }
}
