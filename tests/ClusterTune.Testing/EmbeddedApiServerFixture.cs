using ClusterTune.ControlPlane;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Retry;
using k8s.Models;
using Xunit;

namespace ClusterTune.Testing;

/// <summary>
/// Starts an <see cref="EmbeddedApiServer"/> on 127.0.0.1 with a random port for a test class and disposes it.
/// Use as <c>IClassFixture&lt;EmbeddedApiServerFixture&gt;</c>, or call <see cref="StartAsync"/> for custom options.
/// </summary>
public class EmbeddedApiServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly EmbeddedApiServerOptions _options;
    private readonly string _tempDir = Path.Combine(Path.GetTempPath(), "clustertune-tests", Guid.NewGuid().ToString("N"));
    private EmbeddedApiServer? _server;
    private int _namespaces;
    private HttpClient? _http;

    /// <summary>Creates a fixture with default options (port 0, in memory, controllers on).</summary>
    public EmbeddedApiServerFixture()
        : this(new EmbeddedApiServerOptions())
    {
    }

    /// <summary>For a class fixture with its own options (xunit class fixtures may have only one public constructor).</summary>
    protected EmbeddedApiServerFixture(EmbeddedApiServerOptions options)
    {
        _options = options;
    }

    /// <summary>The running server.</summary>
    public EmbeddedApiServer Server => _server ?? throw new InvalidOperationException("the fixture is not started: call InitializeAsync (xunit does for class fixtures)");

    /// <summary>The server's root URL.</summary>
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>The server's fault injector.</summary>
    public FaultInjector Faults => Server.Faults;

    /// <summary>A raw HttpClient whose BaseAddress is the server.</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("the fixture is not started");

    /// <summary>A per-fixture temporary directory, deleted on dispose.</summary>
    public string TempDirectory
    {
        get
        {
            Directory.CreateDirectory(_tempDir);
            return _tempDir;
        }
    }

    /// <summary>Starts a fixture with custom options.</summary>
    public static async Task<EmbeddedApiServerFixture> StartAsync(EmbeddedApiServerOptions? options = null)
    {
        var fixture = new EmbeddedApiServerFixture(options ?? new EmbeddedApiServerOptions());
        await fixture.InitializeAsync();
        return fixture;
    }

    /// <summary>Writes a kubeconfig for the server into the temp directory and returns its path.</summary>
    public string WriteKubeconfig(string defaultNamespace = "default")
    {
        var path = Path.Combine(TempDirectory, "kubeconfig");
        Server.WriteKubeconfig(path, defaultNamespace);
        return path;
    }

    /// <summary>A KubernetesClient for the server; <paramref name="extra"/> handlers (e.g. a partition) sit between retries and the network.</summary>
    public k8s.Kubernetes NewClient(string @namespace = "default", int maxAttempts = 5, params DelegatingHandler[] extra) =>
        KubeConnection.Create(KubeConnection.ForServer(Server.BaseAddress, @namespace),
            new RetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
            random: new Random(7), extraHandlers: extra);

    /// <summary>Creates a fresh namespace so tests sharing the server do not see each other's objects.</summary>
    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _namespaces)}";
        using var c = NewClient();
        await c.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await EmbeddedApiServer.StartAsync(_options);
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (_options.BearerToken is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <inheritdoc />
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            if (Directory.Exists(_tempDir))
            {
                Directory.Delete(_tempDir, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a process may still hold a file.
        }
    }
}
