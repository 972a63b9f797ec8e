using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>
/// Conformance: the calls the operator, node agent and ctune make through KubernetesClient (and our typed helpers)
/// against the real embedded API server over real HTTP.
/// </summary>
public sealed class ConformanceTests(EmbeddedServerFixture fx) : IClassFixture<EmbeddedServerFixture>
{
    private static V1Pod NewPod(string ns, string name, Dictionary<string, string>? labels = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            Containers = [new V1Container { Name = "trainer", Image = "clustertune/trainer", Command = ["python", "train.py"] }],
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

        var got = await c.GetAsync<V1Pod>("p1", ns);
        Assert.Equal("python", got.Spec!.Containers[0].Command![0]);

        var selected = await c.ListAsync<V1Pod>(ns, labelSelector: "clustertune.io/job=sweep-a");
        Assert.Equal(["p1"], selected.Items.Select(p => p.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(selected.Metadata.ResourceVersion));

        var labelled = await c.MergePatchAsync<V1Pod>("p1", JsonNode.Parse("""{"metadata":{"labels":{"tier":"gpu"}}}""")!, ns);
        Assert.Equal("gpu", labelled.Metadata.Labels!["tier"]);
        Assert.Equal("sweep-a", labelled.Metadata.Labels["clustertune.io/job"]);

        var running = await c.PatchStatusAsync<V1Pod>("p1", MergePatch.ForStatus(new V1PodStatus { Phase = PodPhases.Running, PodIP = "10.1.0.5" }), ns);
        Assert.Equal(PodPhases.Running, running.Status!.Phase);

        var removedLabel = await c.JsonPatchAsync<V1Pod>("p1", new JsonPatch()
            .Test("/metadata/resourceVersion", running.Metadata.ResourceVersion)
            .Remove("/metadata/labels/tier"), ns);
        Assert.False(removedLabel.Metadata.Labels!.ContainsKey("tier"));

        await c.DeleteAsync<V1Pod>("p1", ns, new V1DeleteOptions { PropagationPolicy = PropagationPolicies.Background });
        // Like kube-apiserver, an unbound pod is gone at once.
        Assert.Null(await c.TryGetAsync<V1Pod>("p1", ns));
        Assert.True((await Assert.ThrowsAsync<HttpOperationException>(() => c.GetAsync<V1Pod>("p1", ns))).IsNotFound());
    }

    [Fact]
    public async Task Stale_writes_duplicates_and_failed_preconditions_are_typed_errors()
    {
        var ns = await fx.NewNamespaceAsync("conflict");
        using var c = fx.NewClient(ns);
        var p = await c.CreateAsync(NewPod(ns, "p"));
        Assert.True((await Assert.ThrowsAsync<HttpOperationException>(() => c.CreateAsync(NewPod(ns, "p")))).IsAlreadyExists());
        await c.MergePatchAsync<V1Pod>("p", JsonNode.Parse("""{"metadata":{"labels":{"a":"1"}}}""")!, ns);
        var stale = MergePatch.WithResourceVersion(JsonNode.Parse("""{"metadata":{"labels":{"a":"2"}}}""")!.AsObject(), p.Metadata.ResourceVersion!);
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => c.MergePatchAsync<V1Pod>("p", stale, ns));
        Assert.True(conflict.IsConflict());
        Assert.Equal(409, conflict.Status()!.Code);
        Assert.True((await Assert.ThrowsAsync<HttpOperationException>(() => c.JsonPatchAsync<V1Pod>("p", new JsonPatch().Test("/metadata/resourceVersion", "1"), ns))).IsInvalid());
        Assert.True((await Assert.ThrowsAsync<HttpOperationException>(() => c.DeleteAsync<V1Pod>("p", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "not-the-uid" } }))).IsConflict());
        Assert.NotNull(await c.TryGetAsync<V1Pod>("p", ns));
        await c.DeleteAsync<V1Pod>("p", ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = p.Metadata.Uid } });
        Assert.Null(await c.TryGetAsync<V1Pod>("p", ns));
    }

    [Fact]
    public async Task Lists_page_with_continue_tokens()
    {
        var ns = await fx.NewNamespaceAsync("page");
        using var c = fx.NewClient(ns);
        for (var i = 0; i < 25; i++)
        {
            await c.CreateAsync(new V1Lease { Metadata = new V1ObjectMeta { Name = $"l-{i:00}", NamespaceProperty = ns }, Spec = new V1LeaseSpec { HolderIdentity = "x" } });
        }

        var first = await c.ListAsync<V1Lease>(ns, limit: 10);
        Assert.Equal(10, first.Items.Count);
        Assert.False(string.IsNullOrEmpty(first.Metadata.ContinueProperty));
        var second = await c.ListAsync<V1Lease>(ns, limit: 10, continueToken: first.Metadata.ContinueProperty);
        Assert.Empty(first.Items.Select(l => l.Metadata.Name).Intersect(second.Items.Select(l => l.Metadata.Name)));
        var all = await c.ListAllAsync<V1Lease>(ns);
        Assert.Equal(25, all.Select(l => l.Metadata.Name).Distinct().Count());
    }

    [Fact]
    public async Task Watch_from_a_list_version_sees_changes_in_order_and_ends_at_the_server_timeout()
    {
        var ns = await fx.NewNamespaceAsync("watch");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "before"));
        var list = await c.ListAsync<V1Pod>(ns);
        var events = new List<(WatchEventType Type, V1Pod Object)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, raw) in c.WatchRawAsync<V1Pod>(ns, list.Metadata.ResourceVersion, null, null, timeoutSeconds: 3))
            {
                lock (events)
                {
                    events.Add((type, KubernetesJson.Deserialize<V1Pod>(raw)));
                }
            }
        });
        await Task.Delay(300);
        await c.CreateAsync(NewPod(ns, "a"));
        await c.MergePatchAsync<V1Pod>("a", JsonNode.Parse("""{"metadata":{"labels":{"x":"1"}}}""")!, ns);
        await c.DeleteAsync<V1Pod>("a", ns);
        await watching.WaitAsync(TimeSpan.FromSeconds(15)); // a normal end of stream, not an exception
        List<(WatchEventType Type, V1Pod Object)> seen;
        lock (events)
        {
            seen = events.Where(e => e.Type != WatchEventType.Bookmark).ToList();
        }

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
        {
            await c.MergePatchAsync<V1Pod>("p", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["i"] = i.ToString() } } }, ns);
        }

        fx.Server.Compact();
        var e = await Assert.ThrowsAsync<KubernetesException>(async () =>
        {
            await foreach (var _ in c.WatchRawAsync<V1Pod>(ns, p.Metadata.ResourceVersion, null, null, timeoutSeconds: 5))
            {
            }
        });
        Assert.Equal(410, e.Status.Code);
        Assert.Equal("Expired", e.Status.Reason);
    }

    [Fact]
    public async Task Binds_a_pod_to_a_node_and_reads_its_log()
    {
        var ns = await fx.NewNamespaceAsync("bind");
        using var c = fx.NewClient(ns);
        await c.CreateAsync(NewPod(ns, "p"));
        V1Binding Bind(string node) => new() { Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = node } };
        await c.CoreV1.CreateNamespacedPodBindingAsync(Bind("node-1"), "p", ns);
        Assert.Equal("node-1", (await c.GetAsync<V1Pod>("p", ns)).Spec!.NodeName);
        Assert.True((await Assert.ThrowsAsync<HttpOperationException>(() => c.CoreV1.CreateNamespacedPodBindingAsync(Bind("node-2"), "p", ns))).IsConflict());

        var logs = new InMemoryPodLogProvider();
        logs.Append(ns, "p", "trainer", "epoch 1 loss 0.5\nepoch 2 loss 0.3\n");
        fx.Server.PodLogProvider = logs;
        async Task<string> Log(int? tail)
        {
            await using var s = await c.CoreV1.ReadNamespacedPodLogAsync("p", ns, container: "trainer", tailLines: tail);
            return await new StreamReader(s).ReadToEndAsync();
        }
        Assert.Equal("epoch 1 loss 0.5\nepoch 2 loss 0.3\n", await Log(null));
        Assert.Equal("epoch 2 loss 0.3\n", await Log(1));
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
        await c.MergePatchAsync<V1Pod>("a", JsonNode.Parse("""{"metadata":{"labels":{"k":"v"}}}""")!, ns);
        Assert.Equal(2, r503.Fired);

        var reset = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "get", FaultAction.ConnectionReset());
        Assert.Equal("v", (await c.GetAsync<V1Pod>("a", ns)).Metadata.Labels!["k"]);
        Assert.Equal(1, reset.Fired);

        var r500 = fx.Server.Faults.FailRequest(r => r.Namespace == ns && r.Verb == "create", FaultAction.InternalError(), times: 5);
        var pod = NewPod(ns, "");
        pod.Metadata.Name = null;
        pod.Metadata.GenerateName = "trial-";
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => c.CreateAsync(pod));
        Assert.Equal(500, e.Status()!.Code);
        Assert.Equal(1, r500.Fired); // not retried: a retry could create a second pod
        fx.Server.Faults.Reset();
    }
}
