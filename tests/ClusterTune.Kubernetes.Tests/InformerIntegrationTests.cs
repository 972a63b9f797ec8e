using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Tests.Support;
using k8s;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>Informer against the real embedded server: sync, indexes, work-queue feed, reconnects and relists.</summary>
public sealed class InformerIntegrationTests(EmbeddedServerFixture fx) : IClassFixture<EmbeddedServerFixture>
{
    private static V1Pod NewPod(string ns, string name, string job, string? ownerUid = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["clustertune.io/job"] = job },
            OwnerReferences = ownerUid is null ? null :
                [new V1OwnerReference { ApiVersion = "clustertune.io/v1alpha1", Kind = "Trial", Name = "t", Uid = ownerUid, Controller = true }],
        },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] },
    };

    private static InformerOptions Options(string ns) => new()
    {
        Namespace = ns,
        PageSize = 2,
        MinWatchTimeout = TimeSpan.FromSeconds(30),
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        Random = new Random(3),
    };

    [Fact]
    public async Task Syncs_existing_objects_indexes_them_and_feeds_changes_to_the_work_queue()
    {
        var ns = await fx.NewNamespaceAsync("inf");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "a", "j1", "owner-1"));
        await c.CreateAsync(NewPod(ns, "b", "j1", "owner-1"));
        await c.CreateAsync(NewPod(ns, "c", "j2", "owner-2"));
        var informer = new Informer<V1Pod>(c, Options(ns));
        using var queue = new WorkQueue<string>();
        informer.EnqueueTo(queue);
        var updates = new ConcurrentQueue<(string? OldRv, string? NewRv)>();
        var deletes = new ConcurrentQueue<string>();
        informer.AddHandler(new InformerHandler<V1Pod>(
            OnUpdate: (o, n) => updates.Enqueue((o.Metadata.ResourceVersion, n.Metadata.ResourceVersion)),
            OnDelete: d => deletes.Enqueue(d.Metadata.Name!)));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(informer.HasSynced);
        Assert.Equal(3, informer.Count);
        // managedFields stay on the server and out of the cache (they were 21 % of the informer's memory).
        Assert.NotNull((await c.GetAsync<V1Pod>("a", ns)).Metadata.ManagedFields);
        Assert.All(informer.List(), p => Assert.Null(p.Metadata.ManagedFields));
        Assert.Equal(["a", "b"], informer.ListByOwner("owner-1").Select(p => p.Metadata.Name).Order());
        Assert.Equal(["c"], informer.ListByLabel("clustertune.io/job", "j2").Select(p => p.Metadata.Name));
        Assert.Equal(3, queue.Len);

        await c.MergePatchAsync<V1Pod>("c", JsonNode.Parse("""{"metadata":{"labels":{"clustertune.io/job":"j1"}}}""")!, ns);
        await c.DeleteAsync<V1Pod>("a", ns);
        await c.CreateAsync(NewPod(ns, "d", "j3"));
        await Eventually.TrueAsync(() => informer.Get(ns, "d") is not null && informer.Get(ns, "a") is null
                                         && informer.ListByLabel("clustertune.io/job", "j1").Count == 2, "informer to see patch, delete and create");
        // Handlers run just after the cache changes: wait for the work queue too.
        await Eventually.TrueAsync(() => queue.Len == 4 && deletes.Contains("a") && !updates.IsEmpty, "handlers to run");
        Assert.Empty(informer.ListByLabel("clustertune.io/job", "j2"));
        Assert.DoesNotContain(informer.ListByOwner("owner-1"), p => p.Metadata.Name == "a");
        Assert.Contains("a", deletes);
        Assert.Contains(updates, u => u.OldRv != u.NewRv);
        // Keys a, b, c were queued at sync; c (update), a (delete) dedupe; d is new.
        Assert.Equal(4, queue.Len);
        Assert.False(string.IsNullOrEmpty(informer.LastResourceVersion));

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task BeforeRemove_gets_a_deleted_objects_final_state_while_the_cache_still_holds_it()
    {
        var ns = await fx.NewNamespaceAsync("tomb");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "p", "j"));
        var informer = new Informer<V1Pod>(c, Options(ns));
        var removing = new ConcurrentQueue<(string? Message, bool StillCached)>();
        var deleted = new ConcurrentQueue<bool>();
        informer.BeforeRemove = p => removing.Enqueue((p.Status?.Message, informer.Get(ns, p.Metadata.Name!) is not null));
        informer.AddHandler(new InformerHandler<V1Pod>(OnDelete: d => deleted.Enqueue(informer.Get(ns, d.Metadata.Name!) is null)));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));

        // The kubelet's order: the final status, then the delete.
        await c.PatchStatusAsync<V1Pod>("p", JsonNode.Parse("""{"status":{"phase":"Succeeded","message":"final"}}""")!, ns);
        await c.DeleteAsync<V1Pod>("p", ns, new V1DeleteOptions { GracePeriodSeconds = 0 });
        await Eventually.TrueAsync(() => !deleted.IsEmpty, "the delete handler to run");

        // A reader that misses the pod in the cache finds it in a store filled here: it was filled first.
        Assert.Equal([("final", true)], removing.ToArray());
        Assert.Equal([true], deleted.ToArray());
        Assert.Null(informer.Get(ns, "p"));

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Reconnects_after_a_dropped_watch_and_relists_after_410_catching_deletes_missed_while_away()
    {
        var ns = await fx.NewNamespaceAsync("relist");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "keep", "j"));
        await c.CreateAsync(NewPod(ns, "doomed", "j"));
        var removing = new ConcurrentQueue<string>();
        var informer = new Informer<V1Pod>(c, Options(ns)) { BeforeRemove = p => removing.Enqueue(p.Metadata.Name!) };
        var deleted = new ConcurrentQueue<string>();
        informer.AddHandler(new InformerHandler<V1Pod>(OnDelete: d => deleted.Enqueue(d.Metadata.Name!)));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
        // Seeing an object created after the list proves this informer's watch is open (the server's open-watch count
        // can still include an earlier test's watch on another namespace).
        await c.CreateAsync(NewPod(ns, "marker", "j"));
        await Eventually.TrueAsync(() => informer.Get(ns, "marker") is not null, "the informer's watch to deliver");

        // 1. A dropped connection: re-watch from the last version, no relist needed.
        var watchesBefore = informer.Watches;
        fx.Server.Faults.DropWatches(r => r.Namespace == ns);
        await c.CreateAsync(NewPod(ns, "after-drop", "j"));
        // The create may still ride the old stream before the drop lands; the reconnect must follow either way.
        await Eventually.TrueAsync(() => informer.Get(ns, "after-drop") is not null && informer.Watches > watchesBefore, () => $"the create after the drop and a re-watch (watches {informer.Watches} before {watchesBefore}, lists {informer.Lists}, open {fx.Server.OpenWatchCount}, cached {informer.Count})");
        Assert.Equal(1, informer.Lists);

        // 2. Watches fail while "doomed" is deleted; the history is compacted and the next watch gets 410.
        var block = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "watch", FaultAction.InternalError(), times: 1000);
        fx.Server.Faults.DropWatches(r => r.Namespace == ns);
        await Eventually.TrueAsync(() => block.Fired >= 1, "a failed re-watch");
        await c.DeleteAsync<V1Pod>("doomed", ns);
        fx.Server.Compact();
        fx.Server.Faults.Reset(); // disarms the watch failures; the next watch starts from a compacted version
        fx.Server.Faults.ExpireNextWatch(r => r.Namespace == ns);
        // Handlers run just after the cache changes, so wait for the handler, not the cache.
        await Eventually.TrueAsync(() => deleted.Contains("doomed"), "the relist to report the missed delete");
        Assert.Equal(["doomed"], removing.ToArray()); // its last cached state: a relist has no final one
        Assert.Null(informer.Get(ns, "doomed"));
        Assert.True(informer.Lists >= 2);
        Assert.NotNull(informer.Get(ns, "keep"));

        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_stale_first_list_catches_up_through_the_watch()
    {
        var ns = await fx.NewNamespaceAsync("stale");
        using var c = fx.NewClient(ns);
        var first = await c.CreateAsync(NewPod(ns, "old", "j"));
        await c.CreateAsync(NewPod(ns, "new", "j"));
        // Lists answer from the snapshot before "new" existed, as a lagging apiserver or watch cache can.
        fx.Server.Faults.ServeStaleReads(first.Metadata.ResourceVersion!);
        Assert.Equal(["old"], (await c.ListAsync<V1Pod>(ns, resourceVersion: "0")).Items.Select(p => p.Metadata.Name));
        var informer = new Informer<V1Pod>(c, Options(ns));
        using var cts = new CancellationTokenSource();
        var run = informer.RunAsync(cts.Token);
        try
        {
            await informer.WaitForSyncAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await Eventually.TrueAsync(() => informer.Get(ns, "new") is not null, "the watch from the stale version to deliver the newer pod");
            Assert.NotNull(informer.Get(ns, "old"));
        }
        finally
        {
            fx.Server.Faults.ServeFreshReads();
            await cts.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
