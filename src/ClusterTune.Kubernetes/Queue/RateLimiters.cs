namespace ClusterTune.Kubernetes.Queue;

/// <summary>Factory for the standard limiter combination.</summary>
public static class RateLimiters
{
    /// <summary>controller-runtime's default: max(per-item 5 ms·2^n up to 1000 s, overall 10 qps burst 100).</summary>
    public static IRateLimiter<TKey> DefaultController<TKey>(TimeProvider timeProvider) where TKey : notnull =>
        new MaxOfRateLimiter<TKey>(
            new ItemExponentialRateLimiter<TKey>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new TokenBucketRateLimiter<TKey>(10, 100, timeProvider));
}
