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
    private Dictionary<object, (long Lists, long Watches)> _last = [];

    /// <summary>Adds what happened since the last scrape.</summary>
    public void Collect()
    {
        lock (_lock)
        {
            metrics.UndecodableObjects.WithLabels("finetunejobs").Set(caches.Jobs.UndecodableCount);
            metrics.UndecodableObjects.WithLabels("trials").Set(caches.Trials.UndecodableCount);
            metrics.UndecodableObjects.WithLabels("pods").Set(caches.Pods.UndecodableCount);
            var seen = new Dictionary<object, (long Lists, long Watches)>();
            Add(seen, "finetunejobs", caches.Jobs, caches.Jobs.Lists, caches.Jobs.Watches);
            foreach (var i in caches.Trials.Informers)
            {
                Add(seen, "trials", i, i.Lists, i.Watches);
            }

            foreach (var i in caches.Pods.Informers)
            {
                Add(seen, "pods", i, i.Lists, i.Watches);
            }
            // A change of shards adds and stops Trial and pod informers: a new one's first list and watch are not restarts.
            _last = seen;
        }
    }

    private void Add(Dictionary<object, (long Lists, long Watches)> seen, string resource, object informer, long lists, long watches)
    {
        var (l0, w0) = _last.GetValueOrDefault(informer, (1, 1));
        if (lists > l0)
        {
            metrics.WatchRestarts.WithLabels(resource, "relist").Inc(lists - l0);
        }

        if (watches > w0)
        {
            metrics.WatchRestarts.WithLabels(resource, "reconnect").Inc(watches - w0);
        }

        seen[informer] = (Math.Max(l0, lists), Math.Max(w0, watches));
    }
}
