namespace ClusterTune.Kubernetes.LeaderElection;

/// <summary>Lease-based leader election settings; defaults are client-go's (15 s / 10 s / 2 s).</summary>
public sealed record LeaderElectionOptions
{
    public required string LeaseName { get; init; }
    public required string LeaseNamespace { get; init; }
    /// <summary>Unique per replica; client-go uses hostname + "_" + a UUID.</summary>
    public required string Identity { get; init; }
    /// <summary>How long non-leaders wait after last seeing the record change before taking over.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>The leader stops working if it has not renewed for this long (must be &lt; LeaseDuration).</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Pause between acquire/renew attempts.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Acquire attempts wait RetryPeriod·(1 + JitterFactor·rand).</summary>
    public double JitterFactor { get; init; } = 1.2;
    /// <summary>On cancellation, clear the holder so a successor takes over in ~1 s instead of LeaseDuration.</summary>
    public bool ReleaseOnCancel { get; init; } = true;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Throws unless LeaseDuration &gt; RenewDeadline &gt; JitterFactor·RetryPeriod (client-go's rule).</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(LeaseName) || string.IsNullOrWhiteSpace(LeaseNamespace) || string.IsNullOrWhiteSpace(Identity))
            throw new ArgumentException("LeaderElectionOptions needs LeaseName, LeaseNamespace and Identity.");
        if (LeaseDuration <= RenewDeadline)
            throw new ArgumentException($"LeaseDuration ({LeaseDuration}) must be greater than RenewDeadline ({RenewDeadline}).");
        if (RenewDeadline <= RetryPeriod * JitterFactor)
            throw new ArgumentException($"RenewDeadline ({RenewDeadline}) must be greater than JitterFactor·RetryPeriod ({RetryPeriod * JitterFactor}).");
        if (RetryPeriod <= TimeSpan.Zero)
            throw new ArgumentException("RetryPeriod must be positive.");
    }
}
