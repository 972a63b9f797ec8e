using Microsoft.Extensions.Hosting;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// Keeps the embedded web host from installing console/SIGTERM handlers: the process that embeds the server owns
/// its own lifetime, and the server stops only through EmbeddedApiServer.StopAsync.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
