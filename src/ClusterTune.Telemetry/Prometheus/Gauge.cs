namespace ClusterTune.Telemetry.Prometheus;

/// <summary>One gauge series: a value that is set or moves up and down (NaN and ±Inf are rendered as such).</summary>
public sealed class Gauge
{
    private long _bits;

    /// <summary>Current value.</summary>
    public double Value => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _bits));

    /// <summary>Sets the value.</summary>
    public void Set(double value) => AtomicDouble.Set(ref _bits, value);

    /// <summary>Adds <paramref name="amount"/>.</summary>
    public void Inc(double amount = 1) => AtomicDouble.Add(ref _bits, amount);

    /// <summary>Subtracts <paramref name="amount"/>.</summary>
    public void Dec(double amount = 1) => AtomicDouble.Add(ref _bits, -amount);
}
