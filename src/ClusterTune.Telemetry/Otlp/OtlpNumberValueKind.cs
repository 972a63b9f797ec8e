namespace ClusterTune.Telemetry.Otlp;

/// <summary>Which member of NumberDataPoint's <c>value</c> oneof was set.</summary>
public enum OtlpNumberValueKind
{
    /// <summary>Neither as_double nor as_int.</summary>
    None,
    /// <summary>as_double = 4.</summary>
    Double,
    /// <summary>as_int = 6 (sfixed64).</summary>
    Int,
}
