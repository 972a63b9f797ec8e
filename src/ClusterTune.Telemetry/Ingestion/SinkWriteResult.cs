namespace ClusterTune.Telemetry.Ingestion;

/// <summary>The outcome of <see cref="ITrialMetricsSink.WriteAsync"/>: all-or-nothing, with a retry delay when refused.</summary>
/// <param name="Status">Accepted, or why the batch was refused.</param>
/// <param name="RetryAfter">How long the client should wait before retrying (used only when refused).</param>
public readonly record struct SinkWriteResult(SinkWriteStatus Status, TimeSpan RetryAfter)
{
    /// <summary>The batch was taken.</summary>
    public static SinkWriteResult Accepted { get; } = new(SinkWriteStatus.Accepted, TimeSpan.Zero);

    /// <summary>Over capacity; the receiver answers 429 with this Retry-After.</summary>
    public static SinkWriteResult Throttled(TimeSpan retryAfter) => new(SinkWriteStatus.Throttled, retryAfter);

    /// <summary>Cannot take data now; the receiver answers 503 with this Retry-After.</summary>
    public static SinkWriteResult Unavailable(TimeSpan retryAfter) => new(SinkWriteStatus.Unavailable, retryAfter);
}
