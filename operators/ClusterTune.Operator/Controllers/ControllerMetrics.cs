using ClusterTune.Kubernetes.Controllers;
using ClusterTune.Telemetry.Catalog;

namespace ClusterTune.Operator.Controllers;

/// <summary>The job grains' reconcile reports as the catalog's reconcile metrics (queue depth: the silo's sum, set at scrape time).</summary>
internal sealed class ControllerMetrics(ClusterTuneMetrics metrics) : IControllerMetrics
{
    public void Reconciled(string controller, string result, TimeSpan duration, int queueDepth)
    {
        if (result == "error")
        {
            metrics.ReconcileErrors.WithLabels(controller).Inc();
        }

        metrics.Reconciles.WithLabels(controller, result).Inc();
        metrics.ReconcileDuration.WithLabels(controller).Observe(duration.TotalSeconds);
    }
}
