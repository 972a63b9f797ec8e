using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>
/// The split between the watch cache (watches) and the etcd history (exact lists), and the relist loop it causes for
/// an informer that relists with its last resourceVersion plus a limit instead of a consistent read.
/// </summary>
public sealed class WatchCacheTests : ServerHarness
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    protected override EmbeddedApiServerOptions Options => new() { EnableControllers = false, WatchWindowSize = 1000, WatchCacheSize = 3 };

    private async Task<string> WriteAsync(string name, string value)
    {
        var existing = await Api.GetAsync($"{ConfigMaps}/{name}");
        var r = existing.Code == 404
            ? await Api.PostAsync(ConfigMaps, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"v\":\"" + value + "\"}}")
            : await Api.PatchAsync($"{ConfigMaps}/{name}", "{\"data\":{\"v\":\"" + value + "\"}}", "application/merge-patch+json");
        Assert.True(r.Code is 200 or 201, r.Text);
        return ApiClient.Rv(r.Object);
    }

    private static List<string> Items(ApiClient.Response list)
    {
        Assert.Equal(200, list.Code);
        return list.Object["items"]!.AsArray().Select(i => $"{i!["metadata"]!["name"]}={i["data"]!["v"]}").ToList();
    }

    private async Task<JsonObject> FirstWatchEventAsync(string rv)
    {
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{ConfigMaps}?watch=1&resourceVersion={rv}&timeoutSeconds=5");
        return (await w.WaitForAsync(1, TimeSpan.FromSeconds(5)))[0];
    }

    [Fact]
    public async Task After_a_watch_cache_compaction_an_exact_relist_is_stale_and_its_watch_expires_while_a_consistent_relist_recovers()
    {
        var old = await WriteAsync("a", "1");
        await WriteAsync("a", "2");
        await WriteAsync("b", "1");
        Server.CompactWatchCache();
        var current = Server.ResourceVersion;

        // The buggy informer's loop: list at its old version with a limit (an exact read from etcd history), watch from
        // the list's version, get 410 from the watch cache, and list at the same version again.
        for (var round = 0; round < 2; round++)
        {
            var stale = await Api.GetAsync($"{ConfigMaps}?resourceVersion={old}&limit=500");
            Assert.Equal(["a=1"], Items(stale));
            Assert.Equal(old, ApiClient.Rv(stale.Object));
            var error = await FirstWatchEventAsync(ApiClient.Rv(stale.Object));
            Assert.Equal("ERROR", error["type"]!.GetValue<string>());
            Assert.Equal(410, error["object"]!["code"]!.GetValue<int>());
            Assert.Equal("Expired", error["object"]!["reason"]!.GetValue<string>());
            Assert.Equal($"too old resource version: {old} ({current})", error["object"]!["message"]!.GetValue<string>());
        }

        Assert.Equal(["a=1"], Items(await Api.GetAsync($"{ConfigMaps}?resourceVersion={old}&resourceVersionMatch=Exact")));
        // Not-older-than and "any" reads come from the cache: current state.
        Assert.Equal(["a=2", "b=1"], Items(await Api.GetAsync($"{ConfigMaps}?resourceVersion={old}")));
        Assert.Equal(["a=2", "b=1"], Items(await Api.GetAsync($"{ConfigMaps}?resourceVersion=0")));

        // The fix: relist with resourceVersion="" (a consistent read) and watch from its version.
        var consistent = await Api.GetAsync($"{ConfigMaps}?resourceVersion=&limit=500");
        Assert.Equal(["a=2", "b=1"], Items(consistent));
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{ConfigMaps}?watch=1&resourceVersion={ApiClient.Rv(consistent.Object)}&timeoutSeconds=5");
        await WriteAsync("c", "1");
        var events = await w.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal("ADDED", events[0]["type"]!.GetValue<string>());
        Assert.Equal("c", events[0]["object"]!["metadata"]!["name"]!.GetValue<string>());

        // An etcd compaction ends the exact reads too.
        Server.Compact();
        var expired = await Api.GetAsync($"{ConfigMaps}?resourceVersion={old}&limit=500");
        Assert.Equal(410, expired.Code);
        Assert.Equal("The resourceVersion for the provided list is too old.", expired.Object["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_watch_cache_window_is_bounded_by_its_size_while_the_etcd_history_is_longer()
    {
        var start = await WriteAsync("w", "0");
        await WriteAsync("w", "1");
        Assert.Equal("MODIFIED", (await FirstWatchEventAsync(start))["type"]!.GetValue<string>());
        for (var i = 2; i <= 4; i++)
        {
            await WriteAsync("w", i.ToString());
        }

        // Four events since "start", the cache holds three: the watch is refused, the exact list is still served.
        var error = await FirstWatchEventAsync(start);
        Assert.Equal("ERROR", error["type"]!.GetValue<string>());
        Assert.StartsWith($"too old resource version: {start} (", error["object"]!["message"]!.GetValue<string>());
        Assert.Equal(["w=0"], Items(await Api.GetAsync($"{ConfigMaps}?resourceVersion={start}&resourceVersionMatch=Exact")));
    }
}
