using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Retry;

namespace ClusterTune.Kubernetes.Tests.Support;

/// <summary>One real embedded API server (Kestrel on loopback) per test class.</summary>
public sealed class EmbeddedServerFixture : IAsyncLifetime
{
    private int _namespaces;

    public EmbeddedApiServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions
        {
            BookmarkInterval = TimeSpan.FromMilliseconds(500),
            // No garbage collector: tests use owner UIDs of objects that do not exist.
            EnableControllers = false,
            Random = new Random(42),
        });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A client for the server; <paramref name="wrap"/> can put a fault handler in the pipeline.</summary>
    public KubernetesClient NewClient(string @namespace = "default", Func<HttpMessageHandler, HttpMessageHandler>? wrap = null, int maxAttempts = 5) =>
        new(new KubernetesClientOptions
        {
            Server = Server.BaseAddress,
            NamespaceProperty = @namespace,
            WrapHandler = wrap,
            Random = new Random(7),
            Retry = new RetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
        });

    /// <summary>Creates a fresh namespace so tests in one class do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}";
        using var c = NewClient();
        await c.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = name } });
        return name;
    }
}
