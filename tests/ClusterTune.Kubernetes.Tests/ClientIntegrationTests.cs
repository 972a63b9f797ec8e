using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Tests.Support;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>The client against the real embedded API server over real HTTP.</summary>
public sealed class ClientIntegrationTests(EmbeddedServerFixture fx) : IClassFixture<EmbeddedServerFixture>
{
    private static Pod NewPod(string ns, string name, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels },
        Spec = new PodSpec
        {
            RestartPolicy = "Never",
            Containers = { new Container { Name = "trainer", Image = "clustertune/trainer", Command = ["python", "train.py"] } },
        },
    };

    [Fact]
    public async Task Create_get_list_patch_status_and_delete_round_trip()
    {
        var ns = await fx.NewNamespaceAsync("crud");
        using var c = fx.NewClient(ns);
        var created = await c.CreateAsync(NewPod(ns, "p1", new() { ["clustertune.io/job"] = "sweep-a" }));
        await c.CreateAsync(NewPod(ns, "p2", new() { ["clustertune.io/job"] = "sweep-b" }));
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));

        var got = await c.GetAsync<Pod>("p1");
        Assert.Equal("python", got.Spec!.Containers[0].Command![0]);

        var selected = await c.ListAsync<Pod>(ns, new ListOptions { LabelSelector = "clustertune.io/job=sweep-a" });
        Assert.Equal(["p1"], selected.Items.Select(p => p.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(selected.Metadata.ResourceVersion));

        var labelled = await c.MergePatchAsync<Pod>("p1", JsonNode.Parse("""{"metadata":{"labels":{"tier":"gpu"}}}""")!);
        Assert.Equal("gpu", labelled.Metadata.Labels!["tier"]);
        Assert.Equal("sweep-a", labelled.Metadata.Labels["clustertune.io/job"]);

        var running = await c.PatchStatusAsync<Pod>("p1", MergePatch.ForStatus(new PodStatus { Phase = PodPhases.Running, PodIP = "10.1.0.5" }));
        Assert.Equal(PodPhases.Running, running.Status!.Phase);

        var removedLabel = await c.JsonPatchAsync<Pod>("p1", new JsonPatch()
            .Test("/metadata/resourceVersion", running.Metadata.ResourceVersion)
            .Remove("/metadata/labels/tier"));
        Assert.False(removedLabel.Metadata.Labels!.ContainsKey("tier"));

        var deleted = await c.DeleteAsync<Pod>("p1", options: new DeleteOptions { PropagationPolicy = PropagationPolicies.Background });
        // Like kube-apiserver, an unbound pod answers with its last state (grace 0) and is gone at once.
        Assert.Equal(0, deleted!.Metadata.DeletionGracePeriodSeconds);
        Assert.Null(await c.TryGetAsync<Pod>("p1"));
        await Assert.ThrowsAsync<NotFoundException>(() => c.GetAsync<Pod>("p1"));
    }

    [Fact]
    public async Task Stale_writes_duplicates_and_failed_preconditions_are_typed_errors()
    {
        var ns = await fx.NewNamespaceAsync("conflict");
        using var c = fx.NewClient(ns);
        var p = await c.CreateAsync(NewPod(ns, "p"));
        await Assert.ThrowsAsync<AlreadyExistsException>(() => c.CreateAsync(NewPod(ns, "p")));
        await c.MergePatchAsync<Pod>("p", JsonNode.Parse("""{"metadata":{"labels":{"a":"1"}}}""")!);
        var stale = MergePatch.WithResourceVersion(JsonNode.Parse("""{"metadata":{"labels":{"a":"2"}}}""")!.AsObject(), p.Metadata.ResourceVersion!);
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => c.MergePatchAsync<Pod>("p", stale));
        Assert.Equal(409, conflict.Status.Code);
        await Assert.ThrowsAsync<InvalidException>(() => c.JsonPatchAsync<Pod>("p", new JsonPatch().Test("/metadata/resourceVersion", "1")));
        await Assert.ThrowsAsync<ConflictException>(() => c.DeleteAsync<Pod>("p", options: new DeleteOptions { Preconditions = new Preconditions { Uid = "not-the-uid" } }));
        Assert.NotNull(await c.TryGetAsync<Pod>("p"));
        await c.DeleteAsync<Pod>("p", options: new DeleteOptions { Preconditions = new Preconditions { Uid = p.Metadata.Uid } });
        Assert.Null(await c.TryGetAsync<Pod>("p"));
    }

    [Fact]
    public async Task Lists_page_with_continue_tokens()
    {
        var ns = await fx.NewNamespaceAsync("page");
        using var c = fx.NewClient(ns);
        for (var i = 0; i < 25; i++)
            await c.CreateAsync(new Lease { Metadata = new ObjectMeta { Name = $"l-{i:00}", Namespace = ns }, Spec = new LeaseSpec { HolderIdentity = "x" } });
        var first = await c.ListAsync<Lease>(ns, new ListOptions { Limit = 10 });
        Assert.Equal(10, first.Items.Count);
        Assert.False(string.IsNullOrEmpty(first.Metadata.Continue));
        var all = await c.ListAllAsync<Lease>(ns, new ListOptions { Limit = 10 });
        Assert.Equal(25, all.Items.Select(l => l.Metadata.Name).Distinct().Count());
    }

    [Fact]
    public async Task Watch_from_a_list_version_sees_changes_in_order_and_ends_at_the_server_timeout()
    {
        var ns = await fx.NewNamespaceAsync("watch");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "before"));
        var list = await c.ListAsync<Pod>(ns);
        var events = new List<WatchEvent<Pod>>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in c.WatchAsync<Pod>(ns, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, TimeoutSeconds = 3 }))
            {
                lock (events)
                    events.Add(e);
            }
        });
        await Task.Delay(300);
        await c.CreateAsync(NewPod(ns, "a"));
        await c.MergePatchAsync<Pod>("a", JsonNode.Parse("""{"metadata":{"labels":{"x":"1"}}}""")!);
        await c.DeleteAsync<Pod>("a");
        await watching.WaitAsync(TimeSpan.FromSeconds(15)); // a normal end of stream, not an exception
        List<WatchEvent<Pod>> seen;
        lock (events)
            seen = events.Where(e => e.Type != WatchEventType.Bookmark).ToList();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], seen.Select(e => e.Type));
        Assert.All(seen, e => Assert.Equal("a", e.Object!.Metadata.Name));
    }

    [Fact]
    public async Task A_watch_from_a_compacted_version_reports_expired()
    {
        var ns = await fx.NewNamespaceAsync("expired");
        using var c = fx.NewClient(ns);
        var p = await c.CreateAsync(NewPod(ns, "p"));
        for (var i = 0; i < 3; i++)
            await c.MergePatchAsync<Pod>("p", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = i.ToString() } } });
        fx.Server.Compact();
        var expired = false;
        try
        {
            await foreach (var e in c.WatchAsync<Pod>(ns, new WatchOptions { ResourceVersion = p.Metadata.ResourceVersion, TimeoutSeconds = 5 }))
            {
                if (e.IsExpired)
                {
                    expired = true;
                    break;
                }
            }
        }
        catch (GoneException)
        {
            expired = true;
        }
        Assert.True(expired);
    }

    [Fact]
    public async Task Binds_a_pod_to_a_node_and_reads_its_log()
    {
        var ns = await fx.NewNamespaceAsync("bind");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "p"));
        await c.BindPodAsync("p", ns, "node-1");
        Assert.Equal("node-1", (await c.GetAsync<Pod>("p")).Spec!.NodeName);
        await Assert.ThrowsAsync<ConflictException>(() => c.BindPodAsync("p", ns, "node-2"));

        var logs = new InMemoryPodLogProvider();
        logs.Append(ns, "p", "trainer", "epoch 1 loss 0.5\nepoch 2 loss 0.3\n");
        fx.Server.PodLogProvider = logs;
        var text = await c.ReadPodLogAsync("p", ns, new PodLogOptions { Container = "trainer" });
        Assert.Equal("epoch 1 loss 0.5\nepoch 2 loss 0.3\n", text);
        var tail = await c.ReadPodLogAsync("p", ns, new PodLogOptions { Container = "trainer", TailLines = 1 });
        Assert.Equal("epoch 2 loss 0.3\n", tail);
    }

    [Fact]
    public async Task Server_injected_429_503_and_resets_are_retried_and_a_500_on_a_generateName_create_is_not()
    {
        var ns = await fx.NewNamespaceAsync("faults");
        using var c = fx.NewClient(ns);
        var r429 = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "create", FaultAction.TooManyRequests(TimeSpan.FromSeconds(1)));
        await c.CreateAsync(NewPod(ns, "a"));
        Assert.Equal(1, r429.Fired);

        var r503 = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "patch", FaultAction.ServiceUnavailable(TimeSpan.FromSeconds(1)), times: 2);
        await c.MergePatchAsync<Pod>("a", JsonNode.Parse("""{"metadata":{"labels":{"k":"v"}}}""")!);
        Assert.Equal(2, r503.Fired);

        var reset = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "get", FaultAction.ConnectionReset());
        Assert.Equal("v", (await c.GetAsync<Pod>("a")).Metadata.Labels!["k"]);
        Assert.Equal(1, reset.Fired);

        var r500 = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "create", FaultAction.InternalError(), times: 5);
        var pod = NewPod(ns, "");
        pod.Metadata.Name = null;
        pod.Metadata.GenerateName = "trial-";
        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => c.CreateAsync(pod));
        Assert.Equal(500, e.Status.Code);
        Assert.Equal(1, r500.Fired); // not retried: a retry could create a second pod
        fx.Server.Faults.Reset();
    }
}
