using System.Diagnostics;
using ClusterTune.ControlPlane.Faults;

namespace ClusterTune.ControlPlane.Tests;

public sealed class FaultInjectionTests : ServerHarness
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private static string Pod(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x:1\"}]}}";

    [Theory]
    [InlineData(503, "ServiceUnavailable", 2)]
    [InlineData(429, "TooManyRequests", 3)]
    [InlineData(500, "InternalError", 0)]
    public async Task The_nth_matching_request_fails_once_with_status_and_retry_after(int code, string reason, int retryAfter)
    {
        var action = code switch
        {
            503 => FaultAction.ServiceUnavailable(TimeSpan.FromSeconds(retryAfter)),
            429 => FaultAction.TooManyRequests(TimeSpan.FromSeconds(retryAfter)),
            _ => FaultAction.InternalError(),
        };
        var rule = Server.Faults.FailRequest(r => r.Verb == "create" && r.Resource == "pods", action, nth: 2);
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod($"f{code}-1"))).Code);
        var failed = await Api.PostAsync(Pods, Pod($"f{code}-2"));
        Assert.Equal(code, failed.Code);
        Assert.Equal(reason, failed.Object["reason"]!.GetValue<string>());
        Assert.Equal("Status", failed.Object["kind"]!.GetValue<string>());
        if (retryAfter > 0)
        {
            Assert.Equal(retryAfter.ToString(), failed.Message.Headers.RetryAfter!.Delta!.Value.TotalSeconds.ToString());
        }

        Assert.Equal(404, (await Api.GetAsync($"{Pods}/f{code}-2")).Code);
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod($"f{code}-3"))).Code);
        Assert.Equal(1, rule.Fired);
        Assert.Equal(3, rule.Matched);
        Assert.True(rule.Exhausted);
    }

    [Fact]
    public async Task Connection_reset_aborts_the_request_without_a_response()
    {
        Server.Faults.FailRequest(r => r.Verb == "get" && r.Name == "reset-me", FaultAction.ConnectionReset());
        await Assert.ThrowsAsync<HttpRequestException>(() => Api.GetAsync($"{Pods}/reset-me"));
        Assert.Equal(404, (await Api.GetAsync($"{Pods}/reset-me")).Code);
    }

    [Fact]
    public async Task Dropped_watches_are_cut_and_a_forced_expiry_sends_error_410()
    {
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&resourceVersion={Server.ResourceVersion}");
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod("drop-1"))).Code);
        await w.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal(1, Server.OpenWatchCount);
        Server.Faults.DropWatches(r => r.Resource == "pods");
        await w.WaitForEndAsync(TimeSpan.FromSeconds(5));
        Assert.True(w.Faulted || w.Ended, "the dropped watch stream must end");
        Assert.Single(w.Events);
        await WaitUntilAsync(() => Server.OpenWatchCount == 0);

        Server.Faults.ExpireNextWatch(r => r.Resource == "pods");
        await using var expired = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&resourceVersion={Server.ResourceVersion}");
        await expired.WaitForEndAsync(TimeSpan.FromSeconds(5));
        var e = Assert.Single(expired.Events);
        Assert.Equal("ERROR", e["type"]!.GetValue<string>());
        Assert.Equal(410, e["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stale_reads_serve_an_older_snapshot_until_turned_off()
    {
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod("stale-1"))).Code);
        var before = Server.ResourceVersion;
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod("stale-2"))).Code);
        Server.Faults.ServeStaleReads(before);
        var stale = await Api.GetAsync(Pods);
        Assert.Equal(before, stale.Object["metadata"]!["resourceVersion"]!.GetValue<string>());
        var names = stale.Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("stale-1", names);
        Assert.DoesNotContain("stale-2", names);
        Assert.Equal(404, (await Api.GetAsync($"{Pods}/stale-2")).Code);
        Server.Faults.ServeFreshReads();
        Assert.Equal(200, (await Api.GetAsync($"{Pods}/stale-2")).Code);
    }

    [Fact]
    public async Task Delayed_watch_events_arrive_late_but_in_order()
    {
        Server.Faults.DelayWatchEvents(TimeSpan.FromMilliseconds(400));
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&resourceVersion={Server.ResourceVersion}");
        var sw = Stopwatch.StartNew();
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod("late-1"))).Code);
        Assert.Equal(201, (await Api.PostAsync(Pods, Pod("late-2"))).Code);
        var events = await w.WaitForAsync(2, TimeSpan.FromSeconds(5));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(700), $"two delayed events took only {sw.Elapsed}");
        Assert.Equal(["late-1", "late-2"], events.Select(e => e["object"]!["metadata"]!["name"]!.GetValue<string>()));
        Server.Faults.Reset();
    }

    [Fact]
    public async Task Duplicated_watch_events_are_delivered_twice()
    {
        Server.Faults.DuplicateWatchEvents(true);
        try
        {
            await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&resourceVersion={Server.ResourceVersion}");
            Assert.Equal(201, (await Api.PostAsync(Pods, Pod("dup-1"))).Code);
            var events = await w.WaitForAsync(2, TimeSpan.FromSeconds(5));
            Assert.Equal(2, events.Count);
            Assert.True(JsonNodeEquals(events[0], events[1]));
        }
        finally
        {
            Server.Faults.DuplicateWatchEvents(false);
        }
    }

    [Fact]
    public async Task Reordered_watch_events_swap_different_objects_but_never_one_object()
    {
        Server.Faults.ReorderWatchEvents(true, TimeSpan.FromSeconds(3));
        try
        {
            await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&resourceVersion={Server.ResourceVersion}");
            Assert.Equal(201, (await Api.PostAsync(Pods, Pod("ro-1"))).Code);
            Assert.Equal(201, (await Api.PostAsync(Pods, Pod("ro-2"))).Code);
            var events = await w.WaitForAsync(2, TimeSpan.FromSeconds(5));
            Assert.Equal(["ro-2", "ro-1"], events.Select(e => e["object"]!["metadata"]!["name"]!.GetValue<string>()));

            await Api.PatchAsync($"{Pods}/ro-1", """{"metadata":{"labels":{"n":"1"}}}""", "application/merge-patch+json");
            await Api.PatchAsync($"{Pods}/ro-1", """{"metadata":{"labels":{"n":"2"}}}""", "application/merge-patch+json");
            events = await w.WaitForAsync(4, TimeSpan.FromSeconds(5));
            Assert.Equal(["1", "2"], events.Skip(2).Select(e => e["object"]!["metadata"]!["labels"]!["n"]!.GetValue<string>()));
        }
        finally
        {
            Server.Faults.ReorderWatchEvents(false);
        }
    }

    private static bool JsonNodeEquals(System.Text.Json.Nodes.JsonNode a, System.Text.Json.Nodes.JsonNode b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(a, b);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not reached within 5 s");
    }
}
