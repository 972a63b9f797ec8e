namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded ExportMetricsServiceRequest (protobuf or JSON).</summary>
/// <param name="ResourceMetrics">resource_metrics = 1.</param>
public sealed record OtlpExportRequest(IReadOnlyList<OtlpResourceMetrics> ResourceMetrics)
{
    /// <summary>All data points in the request (what partial_success counts against).</summary>
    public int DataPointCount => ResourceMetrics.Sum(r => r.DataPointCount);
}
