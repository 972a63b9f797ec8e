using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Controllers;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Secrets at rest and bounded growth: owner-only kubeconfig and database files, and Events that expire.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HardeningTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task The_kubeconfig_and_the_database_are_readable_by_their_owner_only()
    {
        var dir = Directory.CreateTempSubdirectory("ct-private-").FullName;
        try
        {
            var db = Path.Combine(dir, "cluster.db");
            var kubeconfig = Path.Combine(dir, "kubeconfig");
            File.WriteAllText(kubeconfig, "stale"); // an existing world-readable file is narrowed, not trusted
            File.SetUnixFileMode(kubeconfig, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            await using (var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { SqlitePath = db, BearerToken = "t0ken" }))
            {
                server.WriteKubeconfig(kubeconfig);
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(kubeconfig));
                Assert.Contains("token: t0ken", File.ReadAllText(kubeconfig), StringComparison.Ordinal);
                Assert.Equal(OwnerOnly, File.GetUnixFileMode(db));
                Assert.All(Directory.GetFiles(dir, "cluster.db-*"), f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Events_expire_after_the_ttl_and_nothing_else_does()
    {
        await using var fixture = await ClusterTune.Testing.EmbeddedApiServerFixture.StartAsync(new EmbeddedApiServerOptions
        {
            EnableControllers = false,
            EventTtl = TimeSpan.FromMilliseconds(1500),
        });
        var api = new ApiClient(fixture.Http);
        var now = DateTimeOffset.UtcNow;
        string Stamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(201, (await api.PostAsync("/api/v1/namespaces/default/events",
            "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"old.1\"},\"type\":\"Normal\",\"reason\":\"R\",\"message\":\"m\",\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\"default\"}," +
            "\"firstTimestamp\":\"" + Stamp(now) + "\",\"lastTimestamp\":\"" + Stamp(now) + "\"}")).Code);
        Assert.Equal(201, (await api.PostAsync("/api/v1/namespaces/default/configmaps", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"keep\"}}")).Code);
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/events/old.1")).Code);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await api.GetAsync("/api/v1/namespaces/default/events/old.1")).Code != 404)
        {
            Assert.True(DateTime.UtcNow < deadline, "the event outlived its TTL by 10 s");
            await Task.Delay(100);
        }
        // lastTimestamp has whole seconds: the TTL runs from the stamped time.
        var stamped = DateTimeOffset.Parse(Stamp(now), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(DateTimeOffset.UtcNow - stamped >= TimeSpan.FromMilliseconds(1500), "expired before its TTL");
        Assert.Equal(200, (await api.GetAsync("/api/v1/namespaces/default/configmaps/keep")).Code);
    }

    [Theory]
    [InlineData("""{"metadata":{"creationTimestamp":"2026-12-01T10:00:00Z"}}""", "2026-12-01T10:00:00Z")]
    [InlineData("""{"metadata":{"creationTimestamp":"2026-12-01T10:00:00Z"},"lastTimestamp":"2026-12-01T11:00:00Z"}""", "2026-12-01T11:00:00Z")]
    [InlineData("""{"metadata":{"creationTimestamp":"2026-12-01T10:00:00Z"},"eventTime":"2026-12-01T10:30:00.123456Z","series":{"lastObservedTime":"2026-12-01T12:00:00.000001Z"}}""", "2026-12-01T12:00:00.000001Z")]
    [InlineData("""{"metadata":{}}""", null)]
    public void An_event_last_happened_at_its_latest_timestamp(string json, string? expected) =>
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            EventExpiry.LastOccurrence(JsonNode.Parse(json)!.AsObject()));
}
