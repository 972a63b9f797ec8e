using System.Net;
using ClusterTune.Testing;

namespace ClusterTune.ControlPlane.Tests;

public sealed class SmokeTests(EmbeddedApiServerFixture fixture) : IClassFixture<EmbeddedApiServerFixture>
{
    private readonly ApiClient _api = new(fixture.Http);

    [Fact]
    public async Task Pod_create_get_list_delete_round_trip()
    {
        var created = await _api.PostAsync("/api/v1/namespaces/default/pods",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"smoke-1","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"busybox:1"}]}}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("Pending", created.Object["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(30, created.Object["spec"]!["terminationGracePeriodSeconds"]!.GetValue<int>());

        var got = await _api.GetAsync("/api/v1/namespaces/default/pods/smoke-1");
        Assert.Equal(HttpStatusCode.OK, got.Status);
        Assert.Equal(ApiClient.Rv(created.Object), ApiClient.Rv(got.Object));

        var list = await _api.GetAsync("/api/v1/namespaces/default/pods?labelSelector=app%3Dx");
        Assert.Equal("PodList", list.Object["kind"]!.GetValue<string>());
        Assert.Single(list.Object["items"]!.AsArray());

        var deleted = await _api.DeleteAsync("/api/v1/namespaces/default/pods/smoke-1");
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        var gone = await _api.GetAsync("/api/v1/namespaces/default/pods/smoke-1");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("pods \"smoke-1\" not found", gone.Object["message"]!.GetValue<string>());
    }
}
