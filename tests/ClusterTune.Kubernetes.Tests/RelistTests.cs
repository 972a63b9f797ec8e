using ClusterTune.ControlPlane;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Tests.Support;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>
/// The relist loop seen against kube-apiserver 1.20 after a restart: the watch cache no longer holds the informer's
/// version, but etcd history does. Relisting at that version with a limit is an exact read of the stale snapshot, and
/// the watch from it expires at once, 40–140 times a second. After an expired watch the informer must relist with a
/// consistent read. The embedded server models the two windows (WatchCacheSize &lt; etcd history).
/// </summary>
public sealed class RelistTests
{
    private static V1Pod NewPod(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] },
    };

    [Fact]
    public async Task After_the_watch_cache_loses_its_version_the_informer_relists_once_with_a_consistent_read_and_catches_up()
    {
        await using var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions
        {
            EnableControllers = false,
            WatchWindowSize = 10_000, // etcd history: still holds the informer's version
            WatchCacheSize = 3,       // the watch cache: does not
            BookmarkInterval = TimeSpan.FromHours(1),
            Random = new Random(4),
        });
        const string ns = "default";
        using var c = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress), random: new Random(6));
        await c.CreateAsync(NewPod(ns, "a"));
        await c.CreateAsync(NewPod(ns, "b"));
        var informer = new Informer<V1Pod>(c, new InformerOptions
        {
            Namespace = ns,
            PageSize = 1, // a limit on every list, as client-go's pager sets
            InitialBackoff = TimeSpan.FromMilliseconds(20),
            MaxBackoff = TimeSpan.FromMilliseconds(100),
            Random = new Random(5),
        });
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await c.CreateAsync(NewPod(ns, "marker"));
        await Eventually.TrueAsync(() => informer.Get(ns, "marker") is not null, "the informer's watch to deliver");

        // The informer is cut off while the world moves on and the watch cache is compacted (an apiserver restart).
        var blocked = server.Faults.FailRequest(r => r.Verb == "watch", FaultAction.ConnectionReset(), times: 1_000_000);
        server.Faults.DropWatches();
        await Eventually.TrueAsync(() => blocked.Fired >= 1, "a failed re-watch");
        await c.DeleteAsync<V1Pod>("a", ns);
        for (var i = 0; i < 6; i++)
        {
            await c.CreateAsync(NewPod(ns, $"during-{i}"));
        }

        server.CompactWatchCache();
        var listsBefore = informer.Lists;
        server.Faults.Reset();

        await Eventually.TrueAsync(() => informer.Get(ns, "during-5") is not null && informer.Get(ns, "a") is null,
            () => $"the informer to catch up (lists {informer.Lists}, watches {informer.Watches}, cached {informer.Count})");
        // Caught up with one relist, and it stays caught up: no loop of exact reads and expired watches.
        await Task.Delay(1500);
        Assert.InRange(informer.Lists - listsBefore, 1, 2);
        await c.CreateAsync(NewPod(ns, "after"));
        await Eventually.TrueAsync(() => informer.Get(ns, "after") is not null, "the watch after the relist to deliver");
        Assert.InRange(informer.Lists - listsBefore, 1, 2);

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
