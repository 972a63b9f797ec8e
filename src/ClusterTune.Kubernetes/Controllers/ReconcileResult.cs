namespace ClusterTune.Kubernetes.Controllers;

/// <summary>What a reconcile asks of the work queue: nothing, or another look after a delay.</summary>
public readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done => new(null);
}
