namespace ClusterTune.Kubernetes.Controllers;

/// <summary>Where a <see cref="ControllerLoop"/> reports each reconcile (the host maps it onto its metric catalog).</summary>
public interface IControllerMetrics
{
    /// <param name="result">"success", "conflict" or "error".</param>
    void Reconciled(string controller, string result, TimeSpan duration, int queueDepth);
}
