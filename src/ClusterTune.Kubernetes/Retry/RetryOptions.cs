namespace ClusterTune.Kubernetes.Retry;

/// <summary>Limits for the client's automatic retries.</summary>
public sealed record RetryOptions
{
    /// <summary>Total tries including the first (1 disables retries).</summary>
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Cap of the exponential backoff.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A larger Retry-After is clamped to this, so a misbehaving server cannot park a caller for hours.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
}
