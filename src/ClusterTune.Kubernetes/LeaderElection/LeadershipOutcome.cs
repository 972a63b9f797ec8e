namespace ClusterTune.Kubernetes.LeaderElection;

/// <summary>Why <see cref="LeaderElector.RunUntilLeadershipLostAsync"/> returned.</summary>
public enum LeadershipOutcome
{
    /// <summary>Renewals failed for RenewDeadline; work was stopped before the lease could expire for others.</summary>
    Lost,
    /// <summary>The caller cancelled; the lease was released if ReleaseOnCancel.</summary>
    Cancelled,
    /// <summary>The work callback returned by itself; the lease was released.</summary>
    WorkCompleted,
}
