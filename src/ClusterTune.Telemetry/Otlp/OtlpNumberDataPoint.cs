namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded NumberDataPoint (gauge and sum points).</summary>
/// <param name="Attributes">Point attributes; values rendered as strings, a repeated key keeps its last value.</param>
/// <param name="StartTimeUnixNano">start_time_unix_nano (fixed64), 0 when absent.</param>
/// <param name="TimeUnixNano">time_unix_nano (fixed64), 0 when absent.</param>
/// <param name="ValueKind">Which value member was set.</param>
/// <param name="DoubleValue">as_double when ValueKind is Double.</param>
/// <param name="IntValue">as_int when ValueKind is Int.</param>
/// <param name="Flags">DataPointFlags; bit 0 = NO_RECORDED_VALUE.</param>
public sealed record OtlpNumberDataPoint(
    IReadOnlyDictionary<string, string> Attributes,
    ulong StartTimeUnixNano,
    ulong TimeUnixNano,
    OtlpNumberValueKind ValueKind,
    double DoubleValue,
    long IntValue,
    uint Flags)
{
    /// <summary>DataPointFlags bit 0: the point marks a gap and has no value.</summary>
    public const uint NoRecordedValueFlag = 1;

    /// <summary>The value as a double (NaN when no value member was set).</summary>
    public double Value => ValueKind switch
    {
        OtlpNumberValueKind.Double => DoubleValue,
        OtlpNumberValueKind.Int => IntValue,
        _ => double.NaN,
    };

    /// <summary>True when the NO_RECORDED_VALUE flag is set (such points are dropped).</summary>
    public bool NoRecordedValue => (Flags & NoRecordedValueFlag) != 0;
}
