namespace ClusterTune.Telemetry.Prometheus;

/// <summary>One histogram series with fixed upper bounds (+Inf implicit).</summary>
public sealed class Histogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private readonly object _lock = new();
    private double _sum;
    private long _count;

    internal Histogram(double[] bounds)
    {
        _bounds = bounds;
        _counts = new long[bounds.Length + 1];
    }

    /// <summary>Records one observation; NaN is ignored (it has no bucket).</summary>
    public void Observe(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }
        int i = Array.BinarySearch(_bounds, value);
        // le semantics: a value equal to a bound falls in that bound's bucket.
        int bucket = i >= 0 ? i : ~i;
        lock (_lock)
        {
            _counts[bucket]++;
            _sum += value;
            _count++;
        }
    }

    /// <summary>Observations so far.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Sum of observations so far.</summary>
    public double Sum
    {
        get
        {
            lock (_lock)
            {
                return _sum;
            }
        }
    }

    /// <summary>Consistent copy: cumulative counts per bound (last = +Inf), sum and count.</summary>
    internal (long[] Cumulative, double Sum, long Count) Snapshot()
    {
        lock (_lock)
        {
            var cumulative = new long[_counts.Length];
            long acc = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                acc += _counts[i];
                cumulative[i] = acc;
            }
            return (cumulative, _sum, _count);
        }
    }
}
