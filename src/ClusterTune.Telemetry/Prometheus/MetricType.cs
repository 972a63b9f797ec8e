namespace ClusterTune.Telemetry.Prometheus;

/// <summary>Prometheus text-format 0.0.4 metric types the registry renders.</summary>
public enum MetricType
{
    /// <summary>Monotonic counter; names end in _total.</summary>
    Counter,
    /// <summary>Value that goes up and down (also used for info series, value 1).</summary>
    Gauge,
    /// <summary>Cumulative buckets plus _sum and _count.</summary>
    Histogram,
}
