using System.Text;
using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Replays TestData/transcript-crd.txt (recorded from kube-apiserver 1.20) against the embedded server.</summary>
public sealed class CrdTranscriptConformanceTests : ServerHarness
{
    private static readonly Transcript T = Transcript.Load("transcript-crd.txt");

    [Fact]
    public async Task Updates_conflicts_patches_and_status_subresource_match_the_recording()
    {
        var r = new TranscriptReplayer(Api);
        var created = await r.ReplayAsync(T["1"]);
        Assert.Null(created.Object["status"]);
        await r.ReplayAsync(T["2"]);
        await r.ReplayAsync(T["3"]);
        await r.ReplayAsync(T["4"]);
        await r.ReplayAsync(T["5"]);
        await r.ReplayAsync(T["6"]);
        await r.ReplayAsync(T["7"]);
        var status = await r.ReplayAsync(T["8"]);
        Assert.Equal(5, status.Object["spec"]!["maxTrials"]!.GetValue<int>());
        await r.ReplayAsync(T["9"]);
        await r.ReplayAsync(T["10"]);
        await r.ReplayAsync(T["14"]);
    }

    [Fact]
    public async Task Chunked_list_finalizer_deletion_and_watch_match_the_recording()
    {
        var r = new TranscriptReplayer(Api);
        await r.ReplayAsync(T["1"]);
        var b = await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"sweep-b","finalizers":["clustertune.io/cleanup"]},"spec":{}}""");
        Assert.Equal(201, b.Code);
        Assert.Equal(201, (await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"sweep-c"},"spec":{}}""")).Code);

        // 16-18: chunked list with a continue token that decodes like the real one.
        var page1 = await Api.GetAsync($"{Jobs}?limit=2");
        Assert.Equal(200, page1.Code);
        Assert.Equal(["sweep-a", "sweep-b"], page1.Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        var token = page1.Object["metadata"]!["continue"]!.GetValue<string>();
        var listRv = page1.Object["metadata"]!["resourceVersion"]!.GetValue<string>();
        var decoded = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Pad(token))))!;
        Assert.Equal("meta.k8s.io/v1", decoded["v"]!.GetValue<string>());
        Assert.Equal(long.Parse(listRv), decoded["rv"]!.GetValue<long>());
        Assert.Equal("sweep-b\0", decoded["start"]!.GetValue<string>());
        Assert.Equal(1, page1.Object["metadata"]!["remainingItemCount"]!.GetValue<int>());
        var page2 = await Api.GetAsync($"{Jobs}?limit=2&continue={token}");
        Assert.Equal(["sweep-c"], page2.Object["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal("", page2.Object["metadata"]!["continue"]!.GetValue<string>());
        Assert.Equal("FineTuneJobList", page2.Object["kind"]!.GetValue<string>());
        var full = await Api.GetAsync(Jobs);
        Assert.Equal(3, full.Object["items"]!.AsArray().Count);
        Assert.Equal("", full.Object["metadata"]!["continue"]!.GetValue<string>());

        // 20: watch from the list RV with bookmarks and a server-side timeout, while 19a-d run.
        await using var watch = await WatchReader.OpenAsync(Fixture.Http, $"{Jobs}?watch=1&resourceVersion={listRv}&allowWatchBookmarks=true&timeoutSeconds=3");
        Assert.Equal(200, (int)watch.Response.StatusCode);
        r.Learn(T["19a"].ExpectedBody!["metadata"]!["uid"]!.GetValue<string>(), b.Object["metadata"]!["uid"]!.GetValue<string>());
        var deleting = await r.ReplayAsync(T["19a"]);
        var deletingRv = ApiClient.Rv(deleting.Object);
        await r.ReplayAsync(T["19b"]);
        var removed = await r.ReplayAsync(T["19c"]);
        Assert.Equal(deletingRv, ApiClient.Rv(removed.Object));
        await r.ReplayAsync(T["19d"]);

        var started = DateTime.UtcNow;
        await watch.WaitForEndAsync(TimeSpan.FromSeconds(10));
        Assert.True(watch.Ended, "the server must close the watch at timeoutSeconds");
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        var events = watch.Events;
        Assert.Equal(["MODIFIED", "DELETED", "BOOKMARK"], events.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(deletingRv, ApiClient.Rv(events[0]["object"]!.AsObject()));
        Assert.NotNull(events[0]["object"]!["metadata"]!["deletionTimestamp"]);
        var deletedRv = long.Parse(ApiClient.Rv(events[1]["object"]!.AsObject()));
        Assert.Equal(long.Parse(deletingRv) + 1, deletedRv);
        Assert.NotNull(events[1]["object"]!["metadata"]!["deletionTimestamp"]);
        var bookmark = events[2]["object"]!.AsObject();
        Assert.Equal("FineTuneJob", bookmark["kind"]!.GetValue<string>());
        Assert.Equal("clustertune.io/v1alpha1", bookmark["apiVersion"]!.GetValue<string>());
        Assert.Equal(deletedRv.ToString(), ApiClient.Rv(bookmark));
    }

    private static string Pad(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
