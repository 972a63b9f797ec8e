using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>The kube-controller-manager stand-ins: garbage collection through ownerReferences and namespace cleanup.</summary>
public sealed class ControllerTests : ServerHarness
{
    protected override EmbeddedApiServerOptions Options => new() { EnableControllers = true };

    private async Task<JsonObject> OwnerAsync(string name)
    {
        var r = await Api.PostAsync(Jobs, "{\"apiVersion\":\"clustertune.io/v1alpha1\",\"kind\":\"FineTuneJob\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{}}");
        Assert.Equal(201, r.Code);
        return r.Object;
    }

    private async Task ChildAsync(string name, JsonObject owner)
    {
        var uid = owner["metadata"]!["uid"]!.GetValue<string>();
        var ownerName = owner["metadata"]!["name"]!.GetValue<string>();
        var body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"ownerReferences\":[{\"apiVersion\":\"clustertune.io/v1alpha1\",\"kind\":\"FineTuneJob\",\"name\":\"" +
                   ownerName + "\",\"uid\":\"" + uid + "\",\"controller\":true,\"blockOwnerDeletion\":true}]},\"data\":{}}";
        Assert.Equal(201, (await Api.PostAsync("/api/v1/namespaces/default/configmaps", body)).Code);
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"not reached within 5 s: {what}");
    }

    [Fact]
    public async Task Background_deletion_collects_dependents_of_a_deleted_owner()
    {
        var owner = await OwnerAsync("bg-owner");
        await ChildAsync("bg-child", owner);
        Assert.Equal(200, (await Api.DeleteAsync($"{Jobs}/bg-owner")).Code);
        await EventuallyAsync(async () => (await Api.GetAsync("/api/v1/namespaces/default/configmaps/bg-child")).Code == 404, "dependent collected");
    }

    [Fact]
    public async Task Foreground_deletion_waits_for_dependents_then_removes_the_owner()
    {
        var owner = await OwnerAsync("fg-owner");
        await ChildAsync("fg-child", owner);
        var marked = await Api.DeleteAsync($"{Jobs}/fg-owner", """{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}""");
        Assert.Equal(200, marked.Code);
        Assert.Contains("foregroundDeletion", marked.Object["metadata"]!["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        await EventuallyAsync(async () => (await Api.GetAsync("/api/v1/namespaces/default/configmaps/fg-child")).Code == 404, "dependent deleted first");
        await EventuallyAsync(async () => (await Api.GetAsync($"{Jobs}/fg-owner")).Code == 404, "owner removed after its dependents");
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_strips_their_owner_reference()
    {
        var owner = await OwnerAsync("orphan-owner");
        await ChildAsync("orphan-child", owner);
        Assert.Equal(200, (await Api.DeleteAsync($"{Jobs}/orphan-owner?propagationPolicy=Orphan")).Code);
        await EventuallyAsync(async () => (await Api.GetAsync($"{Jobs}/orphan-owner")).Code == 404, "owner removed");
        var child = await Api.GetAsync("/api/v1/namespaces/default/configmaps/orphan-child");
        Assert.Equal(200, child.Code);
        Assert.Null(child.Object["metadata"]!["ownerReferences"]);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_content_then_the_namespace()
    {
        Assert.Equal(201, (await Api.PostAsync("/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"doomed"}}""")).Code);
        Assert.Equal(201, (await Api.PostAsync("/api/v1/namespaces/doomed/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""")).Code);
        var deleting = await Api.DeleteAsync("/api/v1/namespaces/doomed");
        Assert.Equal("Terminating", deleting.Object["status"]!["phase"]!.GetValue<string>());
        await EventuallyAsync(async () => (await Api.GetAsync("/api/v1/namespaces/doomed")).Code == 404, "namespace finalized");
        Assert.Equal(404, (await Api.GetAsync("/api/v1/namespaces/doomed/configmaps/c")).Code);
        Assert.Equal(404, (await Api.PostAsync("/api/v1/namespaces/doomed/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}""")).Code);
    }
}
