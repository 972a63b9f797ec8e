using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>
/// Replays TestData/transcript-lists-gc-lease-pods.txt and transcript-watch410-namespace.txt. The recording ran
/// without kube-controller-manager, so these tests run the server with controllers off (envtest-like).
/// </summary>
public sealed class ListsGcLeasePodsConformanceTests : ServerHarness
{
    private static readonly Transcript T = Transcript.Load("transcript-lists-gc-lease-pods.txt");
    private static readonly Transcript W = Transcript.Load("transcript-watch410-namespace.txt");

    protected override EmbeddedApiServerOptions Options => new()
    {
        EnableControllers = false,
        TooLargeResourceVersionWait = TimeSpan.FromMilliseconds(300),
    };

    private async Task<JsonObject> CreateJobAsync(string name, string extraMeta = "")
    {
        var r = await Api.PostAsync(Jobs, $$$"""{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"{{{name}}}"{{{extraMeta}}}},"spec":{}}""");
        Assert.Equal(201, r.Code);
        return r.Object;
    }

    [Fact]
    public async Task Watch_start_semantics_synthetic_added_versus_exact()
    {
        await CreateJobAsync("sweep-a");
        var c = await CreateJobAsync("sweep-c");
        foreach (var query in new[] { "watch=1&timeoutSeconds=1", "watch=1&resourceVersion=0&timeoutSeconds=1" })
        {
            await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Jobs}?{query}");
            await w.WaitForEndAsync(TimeSpan.FromSeconds(5));
            Assert.True(w.Ended);
            Assert.Equal(["ADDED sweep-a", "ADDED sweep-c"], w.Events.Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
        }

        var from = ApiClient.Rv(c);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await Api.PatchAsync($"{Jobs}/sweep-c", "{\"metadata\":{\"labels\":{\"churn\":\"" + i + "\"}}}", "application/merge-patch+json")).Code);
        }

        await using var exact = await WatchReader.OpenAsync(Fixture.Http, $"{Jobs}?watch=1&resourceVersion={from}&timeoutSeconds=1");
        await exact.WaitForEndAsync(TimeSpan.FromSeconds(5));
        var rvs = exact.Events.Select(e => long.Parse(ApiClient.Rv(e["object"]!.AsObject()))).ToList();
        Assert.Equal(["MODIFIED", "MODIFIED", "MODIFIED"], exact.Events.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal([long.Parse(from) + 1, long.Parse(from) + 2, long.Parse(from) + 3], rvs);
    }

    [Fact]
    public async Task Compacted_and_future_resource_versions_answer_410_and_504()
    {
        var r = new TranscriptReplayer(Api);
        var a = await CreateJobAsync("sweep-a");
        r.Learn("97", ApiClient.Rv(a));
        await CreateJobAsync("churn");
        Server.Compact();
        await r.ReplayAsync(T["B"]);
        await r.ReplayAsync(T["C"]);
        r.Learn("398", Server.ResourceVersion);
        await r.ReplayAsync(T["D"]);
    }

    [Fact]
    public async Task Owner_references_are_stored_verbatim_and_nothing_is_collected_without_controllers()
    {
        var r = new TranscriptReplayer(Api);
        var owner = await CreateJobAsync("owner-job");
        r.Learn("db42f3fa-3665-4c31-9a88-c1af784bf133", owner["metadata"]!["uid"]!.GetValue<string>());
        await r.ReplayAsync(T["E"]);
        await r.ReplayAsync(T["F"]);
        await Task.Delay(300);
        await r.ReplayAsync(T["G"]);

        var fg = await CreateJobAsync("fg-job", ""","finalizers":[]""");
        r.Learn(T["H"].ExpectedBody!["metadata"]!["uid"]!.GetValue<string>(), fg["metadata"]!["uid"]!.GetValue<string>());
        var h = await r.ReplayAsync(T["H"]);
        Assert.Equal(["foregroundDeletion"], h.Object["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await r.ReplayAsync(T["I"]);
    }

    [Fact]
    public async Task Preconditions_already_exists_and_generate_name()
    {
        var r = new TranscriptReplayer(Api);
        var pre = await CreateJobAsync("pre-job");
        r.Learn("0920f2f4-2ad2-4ccb-add3-0fe9f729ca65", pre["metadata"]!["uid"]!.GetValue<string>());
        await r.ReplayAsync(T["J"]);
        await r.ReplayAsync(T["K"]);
        var step = T["L"];
        var generated = await Api.PostAsync(step.Path, step.Body!);
        Assert.Equal(201, generated.Code);
        Assert.Matches("^trial-[bcdfghjklmnpqrstvwxz2456789]{5}$", generated.Object["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("trial-", generated.Object["metadata"]!["generateName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Leases_are_ordinary_objects_with_optimistic_concurrency()
    {
        var r = new TranscriptReplayer(Api);
        await r.ReplayAsync(T["M"]);
        await r.ReplayAsync(T["N"]);
        await r.ReplayAsync(T["O"]);
    }

    [Fact]
    public async Task Pods_get_defaults_status_patches_and_graceful_deletion()
    {
        var r = new TranscriptReplayer(Api);
        var pod0 = await Api.PostAsync("/api/v1/namespaces/default/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"trial-0","labels":{"clustertune.io/job":"sweep-a"}},"spec":{"restartPolicy":"Never","containers":[{"name":"trainer","image":"example/trainer:1"}]}}""");
        Assert.Equal(201, pod0.Code);
        Assert.Equal("""{"phase":"Pending","qosClass":"BestEffort"}""", pod0.Object["status"]!.ToJsonString());
        r.Learn(T["Q"].ExpectedBody!["metadata"]!["uid"]!.GetValue<string>(), pod0.Object["metadata"]!["uid"]!.GetValue<string>());
        await r.ReplayAsync(T["Q"]);
        await r.ReplayAsync(T["R"]);
        await r.ReplayAsync(T["S"]);

        var pod1 = await Api.PostAsync("/api/v1/namespaces/default/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"trial-1","labels":{"clustertune.io/job":"sweep-a"}},"spec":{"restartPolicy":"Never","nodeName":"gpu-node-1","containers":[{"name":"trainer","image":"example/trainer:1"}]}}""");
        Assert.Equal(201, pod1.Code);
        r.Learn(T["T"].ExpectedBody!["metadata"]!["uid"]!.GetValue<string>(), pod1.Object["metadata"]!["uid"]!.GetValue<string>());
        var t = await r.ReplayAsync(T["T"]);
        var created = DateTimeOffset.Parse(t.Object["metadata"]!["creationTimestamp"]!.GetValue<string>());
        var deadline = DateTimeOffset.Parse(t.Object["metadata"]!["deletionTimestamp"]!.GetValue<string>());
        Assert.InRange((deadline - created).TotalSeconds, 29, 31);
        await r.ReplayAsync(T["U"]);
        await r.ReplayAsync(T["V"]);
        Assert.Equal(404, (await Api.GetAsync("/api/v1/namespaces/default/pods/trial-1")).Code);
    }

    [Fact]
    public async Task Expired_watch_is_an_error_event_and_terminating_namespaces_refuse_content()
    {
        var c1 = await Api.PostAsync("/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"i":"4"}}""");
        var old = ApiClient.Rv(c1.Object);
        await Api.PatchAsync("/api/v1/namespaces/default/configmaps/c1", """{"data":{"i":"5"}}""", "application/merge-patch+json");
        Server.Compact();
        await using (var w = await WatchReader.OpenAsync(Fixture.Http, $"/api/v1/namespaces/default/configmaps?watch=1&resourceVersion={old}&timeoutSeconds=5"))
        {
            Assert.Equal(200, (int)w.Response.StatusCode);
            await w.WaitForEndAsync(TimeSpan.FromSeconds(5));
            Assert.True(w.Ended, "the stream closes right after the ERROR event");
            var expected = JsonNode.Parse("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"The resourceVersion for the provided watch is too old.","reason":"Expired","code":410}}""");
            Assert.True(JsonNode.DeepEquals(expected, Assert.Single(w.Events)), w.Events[0].ToJsonString());
        }

        var list = await Api.GetAsync($"/api/v1/namespaces/default/configmaps?resourceVersion={old}");
        Assert.Equal(200, list.Code);
        Assert.Equal("ConfigMapList", list.Object["kind"]!.GetValue<string>());
        Assert.Null(list.Object["items"]![0]!["kind"]);

        var r = new TranscriptReplayer(Api);
        var ns = await Api.PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"sweep-ns"}}""");
        Assert.Equal(201, ns.Code);
        r.Learn(W["namespace delete"].ExpectedBody!["metadata"]!["uid"]!.GetValue<string>(), ns.Object["metadata"]!["uid"]!.GetValue<string>());
        r.Learn("90", (long.Parse(ApiClient.Rv(ns.Object)) + 1).ToString());
        await r.ReplayAsync(W["namespace delete"]);
        await r.ReplayAsync(W["namespace 3s later (no namespace controller)"]);
        await r.ReplayAsync(W["create in a terminating namespace"]);

        // Without a namespace controller, touching the terminating namespace does not finish it either.
        var labelled = await Api.PatchAsync("/api/v1/namespaces/sweep-ns", """{"metadata":{"labels":{"x":"y"}}}""", "application/merge-patch+json");
        Assert.Equal(200, labelled.Code);
        Assert.Equal(200, (await Api.GetAsync("/api/v1/namespaces/sweep-ns")).Code);
    }
}
