namespace ClusterTune.Telemetry.Otlp;

/// <summary>OTLP AggregationTemporality enum (integer values as on the wire).</summary>
[Orleans.GenerateSerializer]
public enum OtlpAggregationTemporality
{
    /// <summary>AGGREGATION_TEMPORALITY_UNSPECIFIED.</summary>
    Unspecified = 0,
    /// <summary>AGGREGATION_TEMPORALITY_DELTA.</summary>
    Delta = 1,
    /// <summary>AGGREGATION_TEMPORALITY_CUMULATIVE.</summary>
    Cumulative = 2,
}
