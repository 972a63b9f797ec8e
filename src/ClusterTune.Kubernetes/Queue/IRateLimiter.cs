namespace ClusterTune.Kubernetes.Queue;

/// <summary>Decides how long an item waits before it is requeued (client-go workqueue.RateLimiter).</summary>
public interface IRateLimiter<TKey>
{
    /// <summary>The delay for this requeue of <paramref name="item"/>; counts as one more failure.</summary>
    TimeSpan When(TKey item);

    /// <summary>Clears the item's failure history after a success.</summary>
    void Forget(TKey item);

    /// <summary>How many times the item was requeued since its last Forget.</summary>
    int NumRequeues(TKey item);
}
