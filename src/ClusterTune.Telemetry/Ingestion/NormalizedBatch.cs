namespace ClusterTune.Telemetry.Ingestion;

/// <summary>The accepted records of one request plus what was rejected or dropped, and why.</summary>
internal sealed record NormalizedBatch(
    IReadOnlyList<TrialMetricRecord> Records,
    IReadOnlyDictionary<PointRejectionReason, long> Rejections,
    IReadOnlyDictionary<PointRejectionReason, string> FirstExample,
    long Dropped)
{
    public long Rejected => Rejections.Values.Sum();
}
