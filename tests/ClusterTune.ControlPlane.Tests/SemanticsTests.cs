using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>API semantics beyond the recorded transcripts: patches, binding, selectors, validation, tables.</summary>
public sealed class SemanticsTests : ServerHarness
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Trials = "/apis/clustertune.io/v1alpha1/namespaces/default/trials";

    private async Task<JsonObject> PodAsync(string name, string labels = "{}", string extraSpec = "")
    {
        var r = await Api.PostAsync(Pods, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels +
                                          "},\"spec\":{" + extraSpec + "\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}");
        Assert.Equal(201, r.Code);
        return r.Object;
    }

    [Fact]
    public async Task Json_patch_test_guards_a_finalizer_removal()
    {
        var created = await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"jp","finalizers":["a/x","b/y"]},"spec":{}}""");
        var rv = ApiClient.Rv(created.Object);
        var ops = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + rv + "\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"}]";
        var patched = await Api.PatchAsync($"{Jobs}/jp", ops, "application/json-patch+json");
        Assert.Equal(200, patched.Code);
        Assert.Equal(["b/y"], patched.Object["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(422, (await Api.PatchAsync($"{Jobs}/jp", ops, "application/json-patch+json")).Code);
        Assert.Equal(415, (await Api.PatchAsync($"{Jobs}/jp", "{}", "application/x-yaml")).Code);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_pod_lists_by_key()
    {
        await PodAsync("smp");
        var patch = """{"status":{"phase":"Running","containerStatuses":[{"name":"c","ready":true,"restartCount":0,"state":{"running":{}}}]}}""";
        var status = await Api.PatchAsync($"{Pods}/smp/status", patch, "application/strategic-merge-patch+json");
        Assert.Equal(200, status.Code);
        Assert.Equal("BestEffort", status.Object["status"]!["qosClass"]!.GetValue<string>());
        var second = await Api.PatchAsync($"{Pods}/smp/status", """{"status":{"containerStatuses":[{"name":"c","restartCount":1}]}}""", "application/strategic-merge-patch+json");
        var cs = Assert.Single(second.Object["status"]!["containerStatuses"]!.AsArray())!;
        Assert.True(cs["ready"]!.GetValue<bool>());
        Assert.Equal(1, cs["restartCount"]!.GetValue<int>());
        var main = await Api.PatchAsync($"{Pods}/smp", """{"metadata":{"labels":{"a":"b"}},"status":{"phase":"Failed"}}""", "application/strategic-merge-patch+json");
        Assert.Equal("Running", main.Object["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Binding_assigns_a_node_once()
    {
        await PodAsync("bind-me");
        var bind = await Api.PostAsync($"{Pods}/bind-me/binding", """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bind-me"},"target":{"apiVersion":"v1","kind":"Node","name":"node-a"}}""");
        Assert.Equal(201, bind.Code);
        Assert.Equal("Success", bind.Object["status"]!.GetValue<string>());
        var pod = await Api.GetAsync($"{Pods}/bind-me");
        Assert.Equal("node-a", pod.Object["spec"]!["nodeName"]!.GetValue<string>());
        Assert.Equal("PodScheduled", pod.Object["status"]!["conditions"]![0]!["type"]!.GetValue<string>());
        var again = await Api.PostAsync("/api/v1/namespaces/default/bindings", """{"apiVersion":"v1","kind":"Binding","metadata":{"name":"bind-me"},"target":{"name":"node-b"}}""");
        Assert.Equal(409, again.Code);
        Assert.Contains("is already assigned to node \"node-a\"", again.Object["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("labelSelector=tier%3Dgpu", "sel-a,sel-b")]
    [InlineData("labelSelector=tier%21%3Dgpu", "sel-c,sel-d")]
    [InlineData("labelSelector=tier+in+(gpu,cpu)", "sel-a,sel-b,sel-c")]
    [InlineData("labelSelector=tier+notin+(gpu)", "sel-c,sel-d")]
    [InlineData("labelSelector=tier", "sel-a,sel-b,sel-c")]
    [InlineData("labelSelector=%21tier", "sel-d")]
    [InlineData("labelSelector=tier%3Dgpu,rank%3D1", "sel-a")]
    [InlineData("fieldSelector=spec.nodeName%3Dn1", "sel-b")]
    [InlineData("fieldSelector=metadata.name%3Dsel-c", "sel-c")]
    [InlineData("fieldSelector=status.phase%3DPending,spec.nodeName%21%3Dn1", "sel-a,sel-c,sel-d")]
    public async Task Selectors_filter_lists(string query, string expected)
    {
        await using var fixture = await ClusterTune.Testing.EmbeddedApiServerFixture.StartAsync(new EmbeddedApiServerOptions { EnableControllers = false });
        var api = new ApiClient(fixture.Http);
        async Task Create(string name, string labels, string node)
        {
            var spec = node.Length > 0 ? "\"nodeName\":\"" + node + "\"," : "";
            var r = await api.PostAsync(Pods, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":" + labels + "},\"spec\":{" + spec + "\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}");
            Assert.Equal(201, r.Code);
        }

        await Create("sel-a", """{"tier":"gpu","rank":"1"}""", "");
        await Create("sel-b", """{"tier":"gpu"}""", "n1");
        await Create("sel-c", """{"tier":"cpu"}""", "");
        await Create("sel-d", "{}", "");
        var list = await api.GetAsync($"{Pods}?{query}");
        Assert.Equal(200, list.Code);
        Assert.Equal(expected, string.Join(',', list.Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Invalid_selector_is_a_400()
    {
        var r = await Api.GetAsync($"{Pods}?labelSelector=a+in+b");
        Assert.Equal(400, r.Code);
        Assert.Equal("BadRequest", r.Object["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_with_a_selector_sees_objects_enter_and_leave_it()
    {
        var p = await PodAsync("moving", """{"stage":"a"}""");
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&labelSelector=stage%3Db&resourceVersion={ApiClient.Rv(p)}");
        await Api.PatchAsync($"{Pods}/moving", """{"metadata":{"labels":{"stage":"b"}}}""", "application/merge-patch+json");
        await Api.PatchAsync($"{Pods}/moving", """{"metadata":{"labels":{"stage":"c"}}}""", "application/merge-patch+json");
        var events = await w.WaitForAsync(2, TimeSpan.FromSeconds(5));
        Assert.Equal(["ADDED", "DELETED"], events.Select(e => e["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_no_op_update_keeps_the_resource_version()
    {
        var p = await PodAsync("noop", """{"x":"1"}""");
        var same = await Api.PatchAsync($"{Pods}/noop", """{"metadata":{"labels":{"x":"1"}}}""", "application/merge-patch+json");
        Assert.Equal(ApiClient.Rv(p), ApiClient.Rv(same.Object));
    }

    [Fact]
    public async Task Crd_schema_validates_defaults_prunes_and_strict_rejects_unknown_fields()
    {
        var invalid = await Api.PostAsync(Trials, """{"apiVersion":"clustertune.io/v1alpha1","kind":"Trial","metadata":{"name":"t1"},"spec":{"model":"m","epochs":"ten","scheduler":"step","tags":{"a":1}}}""");
        Assert.Equal(422, invalid.Code);
        var causes = invalid.Object["details"]!["causes"]!.AsArray().Select(c => $"{c!["reason"]}|{c["field"]}").Order().ToList();
        Assert.Equal(["FieldValueInvalid|spec.epochs", "FieldValueInvalid|spec.tags.a", "FieldValueNotSupported|spec.scheduler"], causes);
        Assert.Equal("Trial", invalid.Object["details"]!["kind"]!.GetValue<string>());

        var missing = await Api.PostAsync(Trials, """{"apiVersion":"clustertune.io/v1alpha1","kind":"Trial","metadata":{"name":"t1"},"spec":{"model":"m"}}""");
        Assert.Equal(422, missing.Code);
        Assert.Equal("Trial.clustertune.io \"t1\" is invalid: spec.epochs: Required value", missing.Object["message"]!.GetValue<string>());
        Assert.Equal("FieldValueRequired", missing.Object["details"]!["causes"]![0]!["reason"]!.GetValue<string>());

        var ok = await Api.PostAsync(Trials, """{"apiVersion":"clustertune.io/v1alpha1","kind":"Trial","metadata":{"name":"t1"},"spec":{"model":"m","epochs":3,"surprise":true}}""");
        Assert.Equal(201, ok.Code);
        Assert.Equal(0.1, ok.Object["spec"]!["dropout"]!.GetValue<double>());
        Assert.Null(ok.Object["spec"]!["surprise"]);

        var strict = await Api.PostAsync($"{Trials}?fieldValidation=Strict", """{"apiVersion":"clustertune.io/v1alpha1","kind":"Trial","metadata":{"name":"t2"},"spec":{"model":"m","epochs":3,"surprise":true}}""");
        Assert.Equal(400, strict.Code);
        Assert.Contains("unknown field \"spec.surprise\"", strict.Object["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Table_rendering_uses_printer_columns()
    {
        Assert.Equal(201, (await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"tbl"},"spec":{"maxTrials":9}}""")).Code);
        var table = await Api.GetAsync(Jobs, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal("Table", table.Object["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "MaxTrials", "Phase", "Age"], table.Object["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table.Object["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("tbl", cells[0]!.GetValue<string>());
        Assert.Equal(9, cells[1]!.GetValue<int>());
        Assert.Null(cells[2]);
        Assert.Equal("PartialObjectMetadata", table.Object["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_events_are_tables_when_kubectl_asks_for_tables()
    {
        var rv = Server.ResourceVersion;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Jobs.TrimStart('/')}?watch=true&resourceVersion={rv}&timeoutSeconds=1");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        var pending = Fixture.Http.SendAsync(request);
        await Task.Delay(200);
        Assert.Equal(201, (await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"wt"},"spec":{"maxTrials":2}}""")).Code);
        var text = await (await pending).Content.ReadAsStringAsync();
        var e = JsonNode.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0])!;
        Assert.Equal("ADDED", e["type"]!.GetValue<string>());
        Assert.Equal("Table", e["object"]!["kind"]!.GetValue<string>());
        Assert.Equal(2, e["object"]!["rows"]![0]!["cells"]![1]!.GetValue<int>());
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_404_and_discovery_lists_crds()
    {
        var r = await Api.PostAsync("/api/v1/namespaces/nowhere/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""");
        Assert.Equal(404, r.Code);
        Assert.Equal("namespaces \"nowhere\" not found", r.Object["message"]!.GetValue<string>());
        var groups = await Api.GetAsync("/apis");
        Assert.Contains("clustertune.io", groups.Object["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));
        var resources = await Api.GetAsync("/apis/clustertune.io/v1alpha1");
        var names = resources.Object["resources"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("finetunejobs", names);
        Assert.Contains("finetunejobs/status", names);
        var core = await Api.GetAsync("/api/v1");
        Assert.Contains("pods/binding", core.Object["resources"]!.AsArray().Select(x => x!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Pod_logs_come_from_the_provider_or_answer_the_kubelet_400()
    {
        await PodAsync("logged");
        var none = await Api.GetAsync($"{Pods}/logged/log");
        Assert.Equal(400, none.Code);
        Assert.Equal("container \"c\" in pod \"logged\" is waiting to start: ContainerCreating", none.Object["message"]!.GetValue<string>());
        var provider = new ClusterTune.ControlPlane.Logs.InMemoryPodLogProvider();
        provider.Append("default", "logged", "c", "one\ntwo\nthree\n");
        Server.PodLogProvider = provider;
        try
        {
            var tail = await Api.GetAsync($"{Pods}/logged/log?container=c&tailLines=2");
            Assert.Equal(200, tail.Code);
            Assert.Equal("two\nthree\n", tail.Text);
            Assert.Equal(400, (await Api.GetAsync($"{Pods}/logged/log?container=nope")).Code);
        }
        finally
        {
            Server.PodLogProvider = null;
        }
    }

    [Fact]
    public async Task Watching_one_object_by_path_filters_by_name()
    {
        var rv = Server.ResourceVersion;
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}/only-me?watch=true&resourceVersion={rv}");
        await PodAsync("not-me");
        await PodAsync("only-me");
        var events = await w.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal("only-me", Assert.Single(events)["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bearer_token_is_required_when_configured()
    {
        await using var secured = await ClusterTune.Testing.EmbeddedApiServerFixture.StartAsync(new EmbeddedApiServerOptions { BearerToken = "s3cret" });
        Assert.Equal(200, (await new ApiClient(secured.Http).GetAsync("/api/v1/namespaces")).Code);
        using var anonymous = new HttpClient { BaseAddress = secured.BaseAddress };
        Assert.Equal(401, (int)(await anonymous.GetAsync("api/v1/namespaces")).StatusCode);
    }
}
