namespace ClusterTune.Telemetry.Otlp;

/// <summary>Which member of Metric's <c>data</c> oneof was set (the last one seen on the wire wins).</summary>
public enum OtlpMetricKind
{
    /// <summary>No data member: the metric carries no points.</summary>
    None,
    /// <summary>gauge = 5.</summary>
    Gauge,
    /// <summary>sum = 7.</summary>
    Sum,
    /// <summary>histogram = 9.</summary>
    Histogram,
    /// <summary>exponential_histogram = 10 (points are counted, not decoded).</summary>
    ExponentialHistogram,
    /// <summary>summary = 11.</summary>
    Summary,
}
