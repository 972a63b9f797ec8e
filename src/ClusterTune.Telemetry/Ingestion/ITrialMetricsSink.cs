namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Receives the accepted, normalized points of one OTLP request (all trials in it) from the receiver.</summary>
public interface ITrialMetricsSink
{
    /// <summary>Takes all records or none; refuse with Throttled/Unavailable to make the client retry later.</summary>
    /// <param name="records">Accepted points, never empty, in request order.</param>
    /// <param name="cancellationToken">Request abort token.</param>
    ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<TrialMetricRecord> records, CancellationToken cancellationToken);
}
