using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>?dryRun=All: every check runs and the would-be object comes back, but nothing is stored or announced.</summary>
public sealed class DryRunTests : ServerHarness
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    private async Task<string> ListRvAsync() => ApiClient.Rv((await Api.GetAsync(Pods)).Object);

    [Fact]
    public async Task Dry_run_writes_return_the_would_be_object_and_store_nothing()
    {
        var job = await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"dr","finalizers":["a/x"]},"spec":{"maxTrials":1}}""");
        Assert.Equal(201, job.Code);
        var jobRv = ApiClient.Rv(job.Object);
        var rvBefore = await ListRvAsync();
        await using var watch = await WatchReader.OpenAsync(Fixture.Http, $"{Jobs}?watch=1&resourceVersion={rvBefore}");
        await using var podWatch = await WatchReader.OpenAsync(Fixture.Http, $"{Pods}?watch=1&resourceVersion={rvBefore}");

        // Create: defaulting ran (terminationGracePeriodSeconds), a uid was assigned, no resourceVersion, nothing stored.
        var pod = await Api.PostAsync($"{Pods}?dryRun=All", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x:1"}]}}""");
        Assert.Equal(201, pod.Code);
        Assert.Equal(30, pod.Object["spec"]!["terminationGracePeriodSeconds"]!.GetValue<int>());
        Assert.NotNull(pod.Object["metadata"]!["uid"]);
        Assert.Null(pod.Object["metadata"]!["resourceVersion"]);
        Assert.Equal(404, (await Api.GetAsync($"{Pods}/p")).Code);

        // Update, merge patch, status and delete: the result shows the change, the stored object does not move.
        var put = job.Object.DeepClone().AsObject();
        put["spec"]!["maxTrials"] = 7;
        var updated = await Api.PutAsync($"{Jobs}/dr?dryRun=All", put.ToJsonString());
        Assert.Equal(200, updated.Code);
        Assert.Equal(7, updated.Object["spec"]!["maxTrials"]!.GetValue<int>());
        Assert.Equal(2, updated.Object["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(jobRv, ApiClient.Rv(updated.Object));

        var patched = await Api.PatchAsync($"{Jobs}/dr?dryRun=All", """{"spec":{"maxTrials":9}}""", "application/merge-patch+json");
        Assert.Equal(200, patched.Code);
        Assert.Equal(9, patched.Object["spec"]!["maxTrials"]!.GetValue<int>());

        var status = await Api.PatchAsync($"{Jobs}/dr/status?dryRun=All", """{"status":{"phase":"Running"}}""", "application/merge-patch+json");
        Assert.Equal(200, status.Code);
        Assert.Equal("Running", status.Object["status"]!["phase"]!.GetValue<string>());

        var deleted = await Api.DeleteAsync($"{Jobs}/dr?dryRun=All");
        Assert.Equal(200, deleted.Code);
        Assert.NotNull(deleted.Object["metadata"]!["deletionTimestamp"]);

        // Validation still runs: an invalid object is rejected exactly as without dryRun.
        Assert.Equal(422, (await Api.PatchAsync($"{Jobs}/dr?dryRun=All", """{"spec":{"maxTrials":"many"}}""", "application/merge-patch+json")).Code);
        // Conflicts too.
        Assert.Equal(409, (await Api.PostAsync($"{Jobs}?dryRun=All", job.Object.ToJsonString())).Code);

        var stored = (await Api.GetAsync($"{Jobs}/dr")).Object;
        Assert.Equal(jobRv, ApiClient.Rv(stored));
        Assert.Equal(1, stored["spec"]!["maxTrials"]!.GetValue<int>());
        Assert.Null(stored["status"]);
        Assert.Null(stored["metadata"]!["deletionTimestamp"]);
        Assert.Equal(rvBefore, await ListRvAsync());

        // No watch event: the first one either stream sees is the real write that follows.
        Assert.Equal(200, (await Api.PatchAsync($"{Jobs}/dr", """{"spec":{"maxTrials":2}}""", "application/merge-patch+json")).Code);
        var events = await watch.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal(2, events[0]["object"]!["spec"]!["maxTrials"]!.GetValue<int>());
        await Task.Delay(200);
        Assert.Single(watch.Events);
        Assert.Empty(podWatch.Events);
    }

    [Fact]
    public async Task Dry_run_delete_of_an_object_without_finalizers_keeps_it()
    {
        await Api.PostAsync(Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"keep"},"spec":{}}""");
        var deleted = await Api.DeleteAsync($"{Jobs}/keep?dryRun=All");
        Assert.Equal(200, deleted.Code);
        Assert.Equal("Success", deleted.Object["status"]!.GetValue<string>());
        Assert.Equal(200, (await Api.GetAsync($"{Jobs}/keep")).Code);
    }

    [Theory]
    [InlineData("POST", "CreateOptions")]
    [InlineData("PUT", "UpdateOptions")]
    [InlineData("PATCH", "PatchOptions")]
    [InlineData("DELETE", "DeleteOptions")]
    public async Task An_unknown_dry_run_value_is_rejected_naming_the_supported_one(string method, string optionsKind)
    {
        var body = """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"bad-dr"},"spec":{}}""";
        await Api.PostAsync(Jobs, body);
        var path = method == "POST" ? $"{Jobs}?dryRun=true" : $"{Jobs}/bad-dr?dryRun=true";
        var r = await Api.SendAsync(new HttpMethod(method), path, method == "DELETE" ? null : method == "PATCH" ? "{}" : body,
            method == "PATCH" ? "application/merge-patch+json" : "application/json");
        Assert.Equal(422, r.Code);
        Assert.Equal("Invalid", r.Object["reason"]!.GetValue<string>());
        Assert.Equal($"{optionsKind}.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{{\"true\"}}: supported values: \"All\"",
            r.Object["message"]!.GetValue<string>());
        Assert.Equal("dryRun", r.Object["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }
}
