namespace ClusterTune.Telemetry.Prometheus;

/// <summary>One counter series: only goes up (resets only when the process restarts).</summary>
public sealed class Counter
{
    private long _bits;

    /// <summary>Current value.</summary>
    public double Value => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));

    /// <summary>Adds <paramref name="amount"/> (must be ≥ 0 and finite).</summary>
    public void Inc(double amount = 1)
    {
        if (!(amount >= 0) || double.IsInfinity(amount))
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "a counter only increases by a finite amount ≥ 0");
        }
        AtomicDouble.Add(ref _bits, amount);
    }
}
