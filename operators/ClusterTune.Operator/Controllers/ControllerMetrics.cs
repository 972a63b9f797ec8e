using ClusterTune.Kubernetes.Controllers;
using ClusterTune.Telemetry.Catalog;

namespace ClusterTune.Operator.Controllers;

/// <summary>The controller loops' reports as the catalog's reconcile metrics.</summary>
internal sealed class ControllerMetrics(ClusterTuneMetrics metrics) : IControllerMetrics
{
    public void Reconciled(string controller, string result, TimeSpan duration, int queueDepth)
    {
        if (result == "error")
            metrics.ReconcileErrors.WithLabels(controller).Inc();
        metrics.Reconciles.WithLabels(controller, result).Inc();
        metrics.ReconcileDuration.WithLabels(controller).Observe(duration.TotalSeconds);
        metrics.QueueDepth.WithLabels(controller).Set(queueDepth);
    }
}
