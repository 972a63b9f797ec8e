using ClusterTune.Testing;

namespace ClusterTune.ControlPlane.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public async Task Objects_and_crds_survive_a_restart_and_old_watches_expire()
    {
        var dir = Path.Combine(Path.GetTempPath(), "clustertune-tests", Guid.NewGuid().ToString("N"));
        var db = Path.Combine(dir, "state.db");
        try
        {
            string rv;
            string uid;
            await using (var first = await EmbeddedApiServerFixture.StartAsync(new EmbeddedApiServerOptions { SqlitePath = db }))
            {
                first.Server.InstallCrds(File.ReadAllText(ServerHarness.TestDataPath("finetunejob-crd.yaml")));
                var api = new ApiClient(first.Http);
                var created = await api.PostAsync(ServerHarness.Jobs, """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"kept"},"spec":{"maxTrials":3}}""");
                Assert.Equal(201, created.Code);
                rv = ApiClient.Rv(created.Object);
                uid = created.Object["metadata"]!["uid"]!.GetValue<string>();
            }

            await using var second = await EmbeddedApiServerFixture.StartAsync(new EmbeddedApiServerOptions { SqlitePath = db });
            var api2 = new ApiClient(second.Http);
            var got = await api2.GetAsync($"{ServerHarness.Jobs}/kept");
            Assert.Equal(200, got.Code);
            Assert.Equal(rv, ApiClient.Rv(got.Object));
            Assert.Equal(uid, got.Object["metadata"]!["uid"]!.GetValue<string>());
            Assert.Equal(3, got.Object["spec"]!["maxTrials"]!.GetValue<int>());

            var updated = await api2.PatchAsync($"{ServerHarness.Jobs}/kept", """{"spec":{"maxTrials":4}}""", "application/merge-patch+json");
            Assert.True(long.Parse(ApiClient.Rv(updated.Object)) > long.Parse(rv), "resourceVersions keep increasing across restarts");

            await using var w = await WatchReader.OpenAsync(second.Http, $"{ServerHarness.Jobs}?watch=1&resourceVersion={long.Parse(rv) - 1}");
            await w.WaitForEndAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("ERROR", Assert.Single(w.Events)["type"]!.GetValue<string>());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
