namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Whether an <see cref="ITrialMetricsSink"/> took a batch, or why not.</summary>
public enum SinkWriteStatus
{
    /// <summary>All records were taken.</summary>
    Accepted,
    /// <summary>The sink is over capacity: the receiver answers 429 with Retry-After and the client retries.</summary>
    Throttled,
    /// <summary>The sink cannot take data now (e.g. the silo's caches have not synced, or the job's grain did not answer): 503 with Retry-After.</summary>
    Unavailable,
}
