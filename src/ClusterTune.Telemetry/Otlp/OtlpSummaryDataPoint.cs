namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded SummaryDataPoint.</summary>
/// <param name="Attributes">Point attributes as strings.</param>
/// <param name="StartTimeUnixNano">start_time_unix_nano.</param>
/// <param name="TimeUnixNano">time_unix_nano.</param>
/// <param name="Count">count (fixed64).</param>
/// <param name="Sum">sum (double).</param>
/// <param name="QuantileValues">(quantile, value) pairs.</param>
/// <param name="Flags">DataPointFlags; bit 0 = NO_RECORDED_VALUE.</param>
public sealed record OtlpSummaryDataPoint(
    IReadOnlyDictionary<string, string> Attributes,
    ulong StartTimeUnixNano,
    ulong TimeUnixNano,
    ulong Count,
    double Sum,
    IReadOnlyList<KeyValuePair<double, double>> QuantileValues,
    uint Flags)
{
    /// <summary>True when the NO_RECORDED_VALUE flag is set (such points are dropped).</summary>
    public bool NoRecordedValue => (Flags & OtlpNumberDataPoint.NoRecordedValueFlag) != 0;
}
