namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded HistogramDataPoint (explicit buckets).</summary>
/// <param name="Attributes">Point attributes as strings.</param>
/// <param name="StartTimeUnixNano">start_time_unix_nano.</param>
/// <param name="TimeUnixNano">time_unix_nano.</param>
/// <param name="Count">count (fixed64).</param>
/// <param name="Sum">sum, null when absent.</param>
/// <param name="BucketCounts">bucket_counts (packed or unpacked fixed64).</param>
/// <param name="ExplicitBounds">explicit_bounds (packed or unpacked double).</param>
/// <param name="Min">min, null when absent.</param>
/// <param name="Max">max, null when absent.</param>
/// <param name="Flags">DataPointFlags; bit 0 = NO_RECORDED_VALUE.</param>
public sealed record OtlpHistogramDataPoint(
    IReadOnlyDictionary<string, string> Attributes,
    ulong StartTimeUnixNano,
    ulong TimeUnixNano,
    ulong Count,
    double? Sum,
    IReadOnlyList<ulong> BucketCounts,
    IReadOnlyList<double> ExplicitBounds,
    double? Min,
    double? Max,
    uint Flags)
{
    /// <summary>True when the NO_RECORDED_VALUE flag is set (such points are dropped).</summary>
    public bool NoRecordedValue => (Flags & OtlpNumberDataPoint.NoRecordedValueFlag) != 0;
}
