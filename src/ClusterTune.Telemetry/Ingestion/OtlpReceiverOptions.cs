namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Limits and settings of the <see cref="OtlpMetricsReceiver"/>.</summary>
public sealed class OtlpReceiverOptions
{
    /// <summary>The OTLP/HTTP metrics path.</summary>
    public const string DefaultPath = "/v1/metrics";

    /// <summary>Largest request body accepted as sent (compressed when gzip); larger → 413. Default 4 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest body accepted after gzip decompression (zip-bomb guard); larger → 413. Default 16 MiB.</summary>
    public long MaxDecompressedBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Retry-After sent when the sink or validator throws (answered as 503). Default 5 s.</summary>
    public TimeSpan FailureRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws when a limit is not positive, naming the setting.</summary>
    public void Validate()
    {
        if (MaxRequestBodyBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodyBytes), MaxRequestBodyBytes, "MaxRequestBodyBytes must be > 0 (e.g. 4194304).");
        }
        if (MaxDecompressedBodyBytes < MaxRequestBodyBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecompressedBodyBytes), MaxDecompressedBodyBytes, "MaxDecompressedBodyBytes must be >= MaxRequestBodyBytes.");
        }
        if (FailureRetryAfter <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRetryAfter), FailureRetryAfter, "FailureRetryAfter must be positive (e.g. 5 s).");
        }
    }
}
