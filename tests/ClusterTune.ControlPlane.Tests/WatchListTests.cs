using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Streaming lists: watch with sendInitialEvents=true, and the ListOptions rules that go with it.</summary>
public sealed class WatchListTests : ServerHarness
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    private async Task CreateAsync(string name) =>
        Assert.Equal(201, (await Api.PostAsync(ConfigMaps, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"}}")).Code);

    [Fact]
    public async Task Initial_events_end_with_an_annotated_bookmark_then_changes_follow()
    {
        await CreateAsync("a");
        await CreateAsync("b");
        var rv = ApiClient.Rv((await Api.GetAsync(ConfigMaps)).Object);
        await using var w = await WatchReader.OpenAsync(Fixture.Http,
            $"{ConfigMaps}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=");
        Assert.Equal(200, (int)w.Response.StatusCode);
        var events = await w.WaitForAsync(3, TimeSpan.FromSeconds(5));
        Assert.Equal(["ADDED a", "ADDED b", "BOOKMARK "], events.Take(3).Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
        var bookmark = events[2]["object"]!.AsObject();
        Assert.Equal("ConfigMap", bookmark["kind"]!.GetValue<string>());
        Assert.Equal(rv, ApiClient.Rv(bookmark));
        Assert.Equal("true", bookmark["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());

        await CreateAsync("c");
        events = await w.WaitForAsync(4, TimeSpan.FromSeconds(5));
        Assert.Equal("ADDED c", $"{events[3]["type"]} {events[3]["object"]!["metadata"]!["name"]}");
    }

    [Fact]
    public async Task Without_allow_watch_bookmarks_the_initial_events_are_not_followed_by_a_bookmark()
    {
        await CreateAsync("a");
        await using var w = await WatchReader.OpenAsync(Fixture.Http, $"{ConfigMaps}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan");
        Assert.Equal(200, (int)w.Response.StatusCode);
        await CreateAsync("b");
        var events = await w.WaitForAsync(2, TimeSpan.FromSeconds(5));
        Assert.Equal(["ADDED a", "ADDED b"], events.Select(e => $"{e["type"]} {e["object"]!["metadata"]!["name"]}"));
    }

    [Fact]
    public async Task Send_initial_events_false_starts_at_the_most_recent_version()
    {
        await CreateAsync("old");
        await using var w = await WatchReader.OpenAsync(Fixture.Http,
            $"{ConfigMaps}?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        await Task.Delay(200);
        await CreateAsync("new");
        var events = await w.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal("ADDED new", $"{events[0]["type"]} {events[0]["object"]!["metadata"]!["name"]}");
    }

    [Theory]
    [InlineData("watch=1&sendInitialEvents=true&allowWatchBookmarks=true",
        "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")]
    [InlineData("watch=1&resourceVersionMatch=NotOlderThan",
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")]
    [InlineData("watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=Exact",
        "[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]")]
    [InlineData("sendInitialEvents=true", "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list")]
    [InlineData("resourceVersionMatch=Exact", "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")]
    [InlineData("resourceVersionMatch=Exact&resourceVersion=0", "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]
    [InlineData("resourceVersionMatch=Newest&resourceVersion=5",
        "resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\"")]
    public async Task Invalid_list_and_watch_options_answer_422_naming_the_field(string query, string detail)
    {
        var r = await Api.GetAsync($"{ConfigMaps}?{query}");
        Assert.Equal(422, r.Code);
        Assert.Equal("Invalid", r.Object["reason"]!.GetValue<string>());
        Assert.Equal($"ListOptions.meta.k8s.io \"\" is invalid: {detail}", r.Object["message"]!.GetValue<string>());
        Assert.Equal("ListOptions", r.Object["details"]!["kind"]!.GetValue<string>());
    }
}
