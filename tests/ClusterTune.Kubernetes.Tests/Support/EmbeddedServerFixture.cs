using ClusterTune.ControlPlane;
using k8s;
using k8s.Models;
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

    /// <summary>A client for the server; <paramref name="extra"/> handlers (e.g. a partition) sit between retries and the network.</summary>
    public k8s.Kubernetes NewClient(string @namespace = "default", int maxAttempts = 5, params DelegatingHandler[] extra) =>
        KubeConnection.Create(KubeConnection.ForServer(Server.BaseAddress, @namespace),
            new RetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
            random: new Random(7), extraHandlers: extra);

    /// <summary>Creates a fresh namespace so tests in one class do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}";
        using var c = NewClient();
        await c.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }
}
