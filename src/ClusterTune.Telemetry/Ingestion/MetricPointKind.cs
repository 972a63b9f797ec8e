namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Which OTLP metric type a <see cref="TrialMetricRecord"/> came from.</summary>
[Orleans.GenerateSerializer]
public enum MetricPointKind
{
    /// <summary>A Gauge number point: the last value of the interval.</summary>
    Gauge,
    /// <summary>A Sum number point (see Temporality and IsMonotonic on the record).</summary>
    Sum,
    /// <summary>A Histogram point: Value is its sum (NaN when absent), Count its count.</summary>
    Histogram,
    /// <summary>A Summary point: Value is its sum, Count its count.</summary>
    Summary,
}
