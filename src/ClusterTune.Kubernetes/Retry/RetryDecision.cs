namespace ClusterTune.Kubernetes.Retry;

/// <summary>Whether to retry, after how long, and why (for logs and tests).</summary>
public readonly record struct RetryDecision(bool Retry, TimeSpan Delay, string Why)
{
    public static RetryDecision Stop(string why) => new(false, TimeSpan.Zero, why);
}
