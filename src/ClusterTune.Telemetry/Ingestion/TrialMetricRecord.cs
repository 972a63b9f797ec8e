using ClusterTune.Telemetry.Otlp;

namespace ClusterTune.Telemetry.Ingestion;

/// <summary>One accepted OTLP data point, attributed to a trial and normalized for the operator.</summary>
/// <param name="Trial">The trial the resource attributes name (already authorized).</param>
/// <param name="Metric">OTel metric name, e.g. clustertune.eval.metric.</param>
/// <param name="Unit">UCUM unit from the metric ("" when absent).</param>
/// <param name="Kind">Gauge, Sum, Histogram or Summary.</param>
/// <param name="Temporality">Aggregation temporality (Unspecified for gauges and summaries).</param>
/// <param name="IsMonotonic">True for monotonic Sums (counters).</param>
/// <param name="Attributes">Point attributes, values rendered as strings (e.g. metric=accuracy).</param>
/// <param name="StartTimeUnixNano">Start of the cumulative/delta window (0 when absent); a change on a cumulative Sum is a reset.</param>
/// <param name="TimeUnixNano">Point time, never 0 (such points are rejected).</param>
/// <param name="Value">The value (as_int converted to double; histogram/summary: the sum). Finite on number points (non-finite ones are rejected); a histogram without a sum has NaN.</param>
/// <param name="Count">Histogram/summary count; null for number points.</param>
/// <param name="Step">clustertune.train.step of the same resource in the same request (nearest point time), if any.</param>
/// <param name="Epoch">clustertune.train.epoch of the same resource in the same request (nearest point time), if any.</param>
[Orleans.GenerateSerializer, Orleans.Immutable]
public sealed record TrialMetricRecord(
    TrialKey Trial,
    string Metric,
    string Unit,
    MetricPointKind Kind,
    OtlpAggregationTemporality Temporality,
    bool IsMonotonic,
    IReadOnlyDictionary<string, string> Attributes,
    ulong StartTimeUnixNano,
    ulong TimeUnixNano,
    double Value,
    ulong? Count,
    long? Step,
    long? Epoch)
{
    /// <summary>False for NaN and ±Inf.</summary>
    public bool IsFinite => double.IsFinite(Value);

    /// <summary>The point time as a UTC timestamp (100 ns resolution).</summary>
    public DateTimeOffset Time => DateTimeOffset.UnixEpoch.AddTicks((long)(TimeUnixNano / 100));
}
