using System.Net;
using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.Kubernetes.Config;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Retry;
using ClusterTune.Kubernetes.Tests.Support;
using Reply = ClusterTune.Kubernetes.Tests.Support.ScriptedHttpServer.Reply;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>Wire behaviour the embedded server cannot produce on demand: scripted responses over real HTTP.</summary>
public sealed class ClientWireTests
{
    private const string PodJson = """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default","resourceVersion":"7"}}""";

    private static KubernetesClient Client(Uri server, int maxAttempts = 4, ITokenSource? token = null) => new(new KubernetesClientOptions
    {
        Server = server,
        Token = token,
        Retry = new RetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(100) },
        Random = new Random(1),
        UserAgent = "clustertune-tests",
    });

    private static Pod NewPod(string? name = null, string? generateName = null) =>
        new() { Metadata = new ObjectMeta { Name = name, GenerateName = generateName, Namespace = "default" }, Spec = new PodSpec() };

    private static Reply Status(int code, string reason, string message = "m", string details = "{}") =>
        new(code, $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","details":{{details}},"code":{{code}}}""");

    [Fact]
    public async Task A_429_with_Retry_After_is_retried_even_for_a_generateName_create_after_the_hinted_delay()
    {
        await using var server = new ScriptedHttpServer(r => r.Index == 0
            ? new Reply(429, """{"kind":"Status","code":429,"reason":"TooManyRequests"}""", Headers: new Dictionary<string, string> { ["Retry-After"] = "1" })
            : new Reply(201, PodJson));
        using var client = Client(server.BaseAddress);
        var pod = await client.CreateAsync(NewPod(generateName: "trial-"));
        Assert.Equal("p", pod.Metadata.Name);
        var reqs = server.Requests;
        Assert.Equal(2, reqs.Count);
        Assert.True(reqs[1].At - reqs[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(reqs[1].At - reqs[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_503_without_Retry_After_is_not_retried_for_a_generateName_create()
    {
        await using var server = new ScriptedHttpServer(_ => Status(503, "ServiceUnavailable"));
        using var client = Client(server.BaseAddress);
        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => client.CreateAsync(NewPod(generateName: "trial-")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_500_on_a_read_is_retried_up_to_MaxAttempts_then_surfaces()
    {
        await using var server = new ScriptedHttpServer(_ => Status(500, "InternalError"));
        using var client = Client(server.BaseAddress, maxAttempts: 3);
        var e = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync<Pod>("p"));
        Assert.Equal(500, e.Status.Code);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task A_reset_connection_is_retried_for_a_read_but_not_for_a_generateName_create()
    {
        await using var server = new ScriptedHttpServer(r => r.Method == "GET" && r.Index > 0 ? new Reply(200, PodJson) : new Reply(Reset: true));
        using var client = Client(server.BaseAddress);
        var pod = await client.GetAsync<Pod>("p");
        Assert.Equal("7", pod.Metadata.ResourceVersion);
        var before = server.Requests.Count;
        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateAsync(NewPod(generateName: "trial-")));
        Assert.Equal(before + 1, server.Requests.Count);
    }

    [Fact]
    public async Task A_reset_create_with_a_fixed_name_is_retried_and_AlreadyExists_reports_the_earlier_success()
    {
        await using var server = new ScriptedHttpServer(r => r.Index == 0
            ? new Reply(Reset: true)
            : Status(409, "AlreadyExists", "pods \\\"p\\\" already exists"));
        using var client = Client(server.BaseAddress);
        var e = await Assert.ThrowsAsync<AlreadyExistsException>(() => client.CreateAsync(NewPod(name: "p")));
        Assert.Equal("AlreadyExists", e.Reason);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Connection_refused_is_retried_with_backoff_then_thrown()
    {
        var port = FreePort();
        using var client = Client(new Uri($"http://127.0.0.1:{port}"), maxAttempts: 3);
        await Assert.ThrowsAsync<HttpRequestException>(() => client.CreateAsync(NewPod(generateName: "x-")));
        Assert.Equal(3, client.Attempts);
    }

    [Fact]
    public async Task Error_bodies_become_typed_exceptions_with_reason_and_causes()
    {
        var replies = new Queue<Reply>(new[]
        {
            Status(404, "NotFound"),
            Status(409, "Conflict", "the object has been modified"),
            Status(410, "Expired", "too old"),
            Status(422, "Invalid", "invalid", """{"causes":[{"reason":"FieldValueInvalid","message":"must be specified for an update","field":"metadata.resourceVersion"}]}"""),
            new Reply(502, "<html>bad gateway</html>", "text/html"),
        });
        await using var server = new ScriptedHttpServer(_ => { lock (replies) return replies.Dequeue(); });
        using var client = Client(server.BaseAddress, maxAttempts: 1);
        await Assert.ThrowsAsync<NotFoundException>(() => client.GetAsync<Pod>("p"));
        var conflict = await Assert.ThrowsAsync<ConflictException>(() => client.MergePatchAsync<Pod>("p", new JsonObject()));
        Assert.Contains("modified", conflict.Message);
        await Assert.ThrowsAsync<GoneException>(() => client.ListAsync<Pod>("default"));
        var invalid = await Assert.ThrowsAsync<InvalidException>(() => client.JsonPatchAsync<Pod>("p", new JsonPatch().Test("/a", 1)));
        Assert.Equal("metadata.resourceVersion", Assert.Single(invalid.Causes).Field);
        Assert.Contains("metadata.resourceVersion", invalid.Message);
        var other = await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync<Pod>("p"));
        Assert.Equal(502, other.Status.Code);
        Assert.Contains("bad gateway", other.Status.Message);
    }

    [Fact]
    public async Task A_401_re_reads_the_token_once_and_retries()
    {
        var dir = Directory.CreateTempSubdirectory("ct-token-").FullName;
        try
        {
            var file = Path.Combine(dir, "token");
            await File.WriteAllTextAsync(file, "old");
            await using var server = new ScriptedHttpServer(r =>
                r.Headers.GetValueOrDefault("authorization") == "Bearer new" ? new Reply(200, PodJson) : Status(401, "Unauthorized"));
            using var client = Client(server.BaseAddress, token: new FileTokenSource(file));
            await Assert.ThrowsAsync<KubernetesApiException>(() => client.GetAsync<Pod>("p"));
            Assert.Equal(2, server.Requests.Count); // one refresh, then give up
            await File.WriteAllTextAsync(file, "new");
            var pod = await client.GetAsync<Pod>("p");
            Assert.Equal("p", pod.Metadata.Name);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Requests_carry_user_agent_field_manager_content_types_and_delete_options()
    {
        await using var server = new ScriptedHttpServer(r => r.Method switch
        {
            "DELETE" when r.Index == 0 => new Reply(200, """{"kind":"Status","apiVersion":"v1","status":"Success","code":200}"""),
            "DELETE" => new Reply(200, """{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","deletionTimestamp":"2026-11-22T06:24:07Z"}}"""),
            _ => new Reply(200, PodJson),
        });
        using var client = Client(server.BaseAddress, token: new StaticTokenSource("abc"));
        var gone = await client.DeleteAsync<Pod>("p", "default", new DeleteOptions
        {
            PropagationPolicy = PropagationPolicies.Background,
            GracePeriodSeconds = 0,
            Preconditions = new Preconditions { Uid = "u1" },
        });
        Assert.Null(gone);
        var pending = await client.DeleteAsync<Pod>("p", "default");
        Assert.NotNull(pending!.Metadata.DeletionTimestamp);
        await client.MergePatchAsync<Pod>("p", new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["a"] = null } } });
        await client.PatchStatusAsync<Pod>("p", MergePatch.ForStatus(new PodStatus { Phase = "Running" }));
        await client.JsonPatchAsync<Pod>("p", new JsonPatch().Remove("/metadata/finalizers/0"));
        await client.BindPodAsync("p", "default", "node-1");
        var r = server.Requests;
        Assert.All(r, x => Assert.Equal("clustertune-tests", x.Headers["user-agent"]));
        Assert.All(r, x => Assert.Equal("Bearer abc", x.Headers["authorization"]));
        var del = JsonNode.Parse(r[0].Body)!;
        Assert.Equal(("/api/v1/namespaces/default/pods/p", "Background", 0L, "u1"),
            (r[0].Target, (string?)del["propagationPolicy"], (long?)del["gracePeriodSeconds"], (string?)del["preconditions"]!["uid"]));
        Assert.Equal("DeleteOptions", (string?)del["kind"]);
        Assert.Equal(("PATCH", "/api/v1/namespaces/default/pods/p?fieldManager=clustertune"), (r[2].Method, r[2].Target));
        Assert.StartsWith("application/merge-patch+json", r[2].Headers["content-type"]);
        Assert.Equal("""{"metadata":{"labels":{"a":null}}}""", r[2].Body);
        Assert.Equal("/api/v1/namespaces/default/pods/p/status?fieldManager=clustertune", r[3].Target);
        Assert.StartsWith("application/json-patch+json", r[4].Headers["content-type"]);
        Assert.Equal(("POST", "/api/v1/namespaces/default/pods/p/binding?fieldManager=clustertune"), (r[5].Method, r[5].Target));
        var binding = JsonNode.Parse(r[5].Body)!;
        Assert.Equal(("Binding", "Node", "node-1"), ((string?)binding["kind"], (string?)binding["target"]!["kind"], (string?)binding["target"]!["name"]));
    }

    [Fact]
    public async Task Replace_refuses_partially_modelled_core_types_without_sending()
    {
        await using var server = new ScriptedHttpServer(_ => new Reply(200, PodJson));
        using var client = Client(server.BaseAddress);
        var pod = NewPod("p");
        pod.Metadata.ResourceVersion = "7";
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => client.ReplaceAsync(pod));
        Assert.Contains("MergePatchAsync", e.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ListAll_follows_continue_tokens_without_resending_the_resourceVersion()
    {
        await using var server = new ScriptedHttpServer(r => r.Target.Contains("continue=")
            ? new Reply(200, """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"99","continue":""},"items":[{"metadata":{"name":"b"}}]}""")
            : new Reply(200, """{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"88","continue":"tok/en=="},"items":[{"metadata":{"name":"a"}}]}"""));
        using var client = Client(server.BaseAddress);
        var all = await client.ListAllAsync<Pod>("default", new ListOptions { LabelSelector = "clustertune.io/job=s a", Limit = 1, ResourceVersion = "0" });
        Assert.Equal(["a", "b"], all.Items.Select(p => p.Metadata.Name));
        Assert.Equal("88", all.Metadata.ResourceVersion);
        var r = server.Requests;
        Assert.Equal("/api/v1/namespaces/default/pods?labelSelector=clustertune.io%2Fjob%3Ds%20a&limit=1&resourceVersion=0", r[0].Target);
        Assert.Equal("/api/v1/namespaces/default/pods?labelSelector=clustertune.io%2Fjob%3Ds%20a&limit=1&continue=tok%2Fen%3D%3D", r[1].Target);
    }

    [Fact]
    public async Task Watch_streams_typed_events_from_a_chunked_response()
    {
        await using var server = new ScriptedHttpServer(_ => new Reply(200, Chunks:
        [
            """{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"10"}}}""" + "\n",
            """{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"11"}}}""" + "\n" +
            """{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}}""" + "\n",
            """{"type":"ERROR","object":{"kind":"Status","status":"Failure","reason":"Expired","code":410}}""" + "\n",
        ]));
        using var client = Client(server.BaseAddress);
        var events = new List<WatchEvent<Pod>>();
        await foreach (var e in client.WatchAsync<Pod>("default", new WatchOptions { ResourceVersion = "9", TimeoutSeconds = 30 }))
            events.Add(e);
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Bookmark, WatchEventType.Error], events.Select(e => e.Type));
        Assert.True(events[^1].IsExpired);
        Assert.Equal("/api/v1/namespaces/default/pods?watch=true&resourceVersion=9&allowWatchBookmarks=true&timeoutSeconds=30", server.Requests[0].Target);
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
