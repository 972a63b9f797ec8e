namespace ClusterTune.Kubernetes.Queue;

/// <summary>An overall token bucket (qps with burst) across all items: bounds total requeue rate.</summary>
public sealed class TokenBucketRateLimiter<TKey> : IRateLimiter<TKey>
{
    private readonly double _qps;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private double _tokens;
    private DateTimeOffset _last;

    public TokenBucketRateLimiter(double qps, int burst, TimeProvider timeProvider)
    {
        if (qps <= 0 || burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(qps), "Needs qps > 0 and burst >= 1.");
        }

        _qps = qps;
        _burst = burst;
        _time = timeProvider;
        _tokens = burst;
        _last = timeProvider.GetUtcNow();
    }

    /// <summary>Reserves one token; the delay is how long until it is available (tokens may go negative).</summary>
    public TimeSpan When(TKey item)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _tokens = Math.Min(_burst, _tokens + (now - _last).TotalSeconds * _qps);
            _last = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _qps);
        }
    }

    public void Forget(TKey item)
    {
    }

    public int NumRequeues(TKey item) => 0;
}
