namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Hooks for counting what the receiver does (implemented by <see cref="Catalog.ClusterTuneMetrics"/>).</summary>
public interface IOtlpReceiverObserver
{
    /// <summary>A request body was read (decompressed size in bytes).</summary>
    void OnRequestBody(long bytes);

    /// <summary>A request was answered with this result.</summary>
    void OnResult(OtlpReceiveResult result);
}
