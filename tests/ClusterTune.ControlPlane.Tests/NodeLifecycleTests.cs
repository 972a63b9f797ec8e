using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>The node lifecycle NoSchedule taints, observed over HTTP like a scheduler would.</summary>
public sealed class NodeLifecycleTests : ServerHarness
{
    private const string Nodes = "/api/v1/nodes";

    protected override EmbeddedApiServerOptions Options => new() { EnableControllers = true };

    private static List<string> Taints(ApiClient.Response r)
    {
        Assert.True(r.Code is 200 or 201, r.Text);
        return (r.Object["spec"]?["taints"] as JsonArray ?? []).Select(t => $"{t!["key"]}:{t["effect"]}").ToList();
    }

    private Task<ApiClient.Response> PostReadyAsync(string node, string status) =>
        Api.PatchAsync($"{Nodes}/{node}/status",
            "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + status + "\",\"reason\":\"Test\"}]}}", "application/merge-patch+json");

    [Fact]
    public async Task A_new_node_is_tainted_not_ready_until_it_posts_Ready_True()
    {
        var created = await Api.PostAsync(Nodes,
            """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},"spec":{"taints":[{"key":"gpu","value":"a100","effect":"NoSchedule"}]}}""");
        Assert.Equal(["gpu:NoSchedule", "node.kubernetes.io/not-ready:NoSchedule"], Taints(created));
        Assert.Equal(["gpu:NoSchedule", "node.kubernetes.io/not-ready:NoSchedule"], Taints(await Api.GetAsync($"{Nodes}/n1")));

        Assert.Equal(["gpu:NoSchedule"], Taints(await PostReadyAsync("n1", "True")));
        Assert.Equal(["gpu:NoSchedule"], Taints(await Api.GetAsync($"{Nodes}/n1")));

        Assert.Equal(["gpu:NoSchedule", "node.kubernetes.io/not-ready:NoSchedule"], Taints(await PostReadyAsync("n1", "False")));

        // Unknown (the kubelet stopped posting) is the unreachable taint, replacing not-ready.
        Assert.Equal(["gpu:NoSchedule", "node.kubernetes.io/unreachable:NoSchedule"], Taints(await PostReadyAsync("n1", "Unknown")));

        Assert.Equal(["gpu:NoSchedule"], Taints(await PostReadyAsync("n1", "True")));
    }

    [Fact]
    public async Task A_ready_node_is_not_tainted_again_by_unrelated_updates_and_watchers_see_the_changes()
    {
        var created = await Api.PostAsync(Nodes, """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n2"}}""");
        Assert.Equal(["node.kubernetes.io/not-ready:NoSchedule"], Taints(created));
        await using var watch = await WatchReader.OpenAsync(Fixture.Http, $"{Nodes}?watch=1&resourceVersion={ApiClient.Rv(created.Object)}");
        Assert.Empty(Taints(await PostReadyAsync("n2", "True")));
        Assert.Empty(Taints(await Api.PatchAsync($"{Nodes}/n2", """{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json")));
        var events = await watch.WaitForAsync(2, TimeSpan.FromSeconds(5));
        Assert.All(events.Take(2), e => Assert.Null(e["object"]!["spec"]!["taints"]));
    }

    [Fact]
    public async Task Without_controllers_nodes_are_left_alone()
    {
        await using var bare = await ClusterTune.Testing.EmbeddedApiServerFixture.StartAsync(new EmbeddedApiServerOptions { EnableControllers = false });
        var api = new ApiClient(bare.Http);
        Assert.Empty(Taints(await api.PostAsync(Nodes, """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n3"}}""")));
    }
}
