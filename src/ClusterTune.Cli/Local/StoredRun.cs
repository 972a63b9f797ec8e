using System.Security.Cryptography;
using ClusterTune.Api.Schema;
using ClusterTune.ControlPlane;
using ClusterTune.Kubernetes;
using k8s;

namespace ClusterTune.Cli.Local;

/// <summary>
/// A local run's stored objects (the SQLite file in its work directory) served by an embedded API server of its own,
/// with no operator, node agent or controllers: what `ctune report --work-dir` reads after the run ended.
/// </summary>
internal sealed class StoredRun : IAsyncDisposable
{
    private readonly EmbeddedApiServer _server;

    private StoredRun(EmbeddedApiServer server, IKubernetes client)
    {
        _server = server;
        Client = client;
    }

    /// <summary>A client of the stored run's API.</summary>
    public IKubernetes Client { get; }

    /// <summary>Serves <paramref name="workDir"/>/cluster.db on a loopback port with a fresh token.</summary>
    public static async Task<StoredRun> OpenAsync(string workDir, CancellationToken ct)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // No controllers and no event expiry: reading a stored run must not change it.
        var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions
        {
            Port = 0,
            SqlitePath = Path.Combine(workDir, "cluster.db"),
            BearerToken = token,
            EnableControllers = false,
            EventTtl = null,
        }, ct);
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            server.InstallCrds(yaml);
        }

        return new StoredRun(server, KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress, token: token)));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _server.DisposeAsync();
    }
}
