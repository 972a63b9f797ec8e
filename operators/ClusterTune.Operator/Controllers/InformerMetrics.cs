using ClusterTune.Telemetry.Catalog;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The informers' state as metrics, at scrape time: list and watch counts become clustertune_operator_watch_restarts_total
/// (every watch after an informer's first is a reconnect, every list after its first a relist after 410 Gone), and the
/// objects each leaves out as undecodable become clustertune_operator_undecodable_objects.
/// </summary>
internal sealed class InformerMetrics(ClusterTuneMetrics metrics, OperatorCaches caches)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (object Informer, long Lists, long Watches)> _last = [];

    /// <summary>Adds what happened since the last scrape.</summary>
    public void Collect()
    {
        lock (_lock)
        {
            metrics.UndecodableObjects.WithLabels("finetunejobs").Set(caches.Jobs.UndecodableCount);
            metrics.UndecodableObjects.WithLabels("trials").Set(caches.Trials.UndecodableCount);
            metrics.UndecodableObjects.WithLabels("pods").Set(caches.Pods.UndecodableCount);
            Add("finetunejobs", caches.Jobs, caches.Jobs.Lists, caches.Jobs.Watches);
            var (trials, pods) = (caches.Trials, caches.Pods);
            Add("trials", trials, trials.Lists, trials.Watches);
            Add("pods", pods, pods.Lists, pods.Watches);
        }
    }

    // A change of shards replaces the Trial and pod informers: their first list and watch are not restarts either.
    private void Add(string resource, object informer, long lists, long watches)
    {
        var (was, l0, w0) = _last.GetValueOrDefault(resource, (informer, 1, 1));
        if (!ReferenceEquals(was, informer))
        {
            (l0, w0) = (1, 1);
        }

        if (lists > l0)
        {
            metrics.WatchRestarts.WithLabels(resource, "relist").Inc(lists - l0);
        }

        if (watches > w0)
        {
            metrics.WatchRestarts.WithLabels(resource, "reconnect").Inc(watches - w0);
        }

        _last[resource] = (informer, Math.Max(l0, lists), Math.Max(w0, watches));
    }
}
