namespace ClusterTune.Kubernetes.Queue;

/// <summary>Per-item exponential delay: base·2^failures, capped (controller-runtime: 5 ms to 1000 s).</summary>
public sealed class ItemExponentialRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = new();
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;

    public ItemExponentialRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (baseDelay <= TimeSpan.Zero || maxDelay < baseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(baseDelay), "Needs 0 < baseDelay <= maxDelay.");
        }

        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
    }

    public TimeSpan When(TKey item)
    {
        int n;
        lock (_failures)
        {
            n = _failures.GetValueOrDefault(item);
            _failures[item] = n + 1;
        }
        var ms = _baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(n, 62));
        return ms >= _maxDelay.TotalMilliseconds ? _maxDelay : TimeSpan.FromMilliseconds(ms);
    }

    public void Forget(TKey item)
    {
        lock (_failures)
        {
            _failures.Remove(item);
        }
    }

    public int NumRequeues(TKey item)
    {
        lock (_failures)
        {
            return _failures.GetValueOrDefault(item);
        }
    }
}
