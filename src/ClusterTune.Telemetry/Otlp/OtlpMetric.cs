namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded Metric: name, unit and the points of whichever data member was set last.</summary>
/// <param name="Name">name = 1.</param>
/// <param name="Description">description = 2.</param>
/// <param name="Unit">unit = 3 (UCUM).</param>
/// <param name="Kind">Which data member (gauge/sum/histogram/exponential_histogram/summary) won.</param>
/// <param name="Temporality">Sum/Histogram aggregation_temporality.</param>
/// <param name="IsMonotonic">Sum is_monotonic.</param>
/// <param name="NumberDataPoints">Gauge and Sum points.</param>
/// <param name="HistogramDataPoints">Histogram points.</param>
/// <param name="SummaryDataPoints">Summary points.</param>
/// <param name="ExponentialHistogramDataPointCount">Exponential histogram points seen (not decoded; ClusterTune ignores them).</param>
public sealed record OtlpMetric(
    string Name,
    string Description,
    string Unit,
    OtlpMetricKind Kind,
    OtlpAggregationTemporality Temporality,
    bool IsMonotonic,
    IReadOnlyList<OtlpNumberDataPoint> NumberDataPoints,
    IReadOnlyList<OtlpHistogramDataPoint> HistogramDataPoints,
    IReadOnlyList<OtlpSummaryDataPoint> SummaryDataPoints,
    int ExponentialHistogramDataPointCount)
{
    /// <summary>All data points of this metric, whatever their type.</summary>
    public int DataPointCount =>
        NumberDataPoints.Count + HistogramDataPoints.Count + SummaryDataPoints.Count + ExponentialHistogramDataPointCount;
}
