namespace ClusterTune.Kubernetes.Queue;

/// <summary>The longest delay of several limiters (per-item backoff and overall bucket together).</summary>
public sealed class MaxOfRateLimiter<TKey>(params IRateLimiter<TKey>[] limiters) : IRateLimiter<TKey>
{
    public TimeSpan When(TKey item)
    {
        var max = TimeSpan.Zero;
        foreach (var l in limiters)
        {
            var d = l.When(item);
            if (d > max)
            {
                max = d;
            }
        }
        return max;
    }

    public void Forget(TKey item)
    {
        foreach (var l in limiters)
        {
            l.Forget(item);
        }
    }

    public int NumRequeues(TKey item) => limiters.Max(l => l.NumRequeues(item));
}
