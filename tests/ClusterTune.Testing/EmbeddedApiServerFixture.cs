using ClusterTune.ControlPlane;
using ClusterTune.ControlPlane.Faults;
using Xunit;

namespace ClusterTune.Testing;

/// <summary>
/// Starts an <see cref="EmbeddedApiServer"/> on 127.0.0.1 with a random port for a test class and disposes it.
/// Use as <c>IClassFixture&lt;EmbeddedApiServerFixture&gt;</c>, or call <see cref="StartAsync"/> for custom options.
/// </summary>
public sealed class EmbeddedApiServerFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly EmbeddedApiServerOptions _options;
    private readonly string _tempDir = Path.Combine(Path.GetTempPath(), "clustertune-tests", Guid.NewGuid().ToString("N"));
    private EmbeddedApiServer? _server;
    private HttpClient? _http;

    /// <summary>Creates a fixture with default options (port 0, in memory, controllers on).</summary>
    public EmbeddedApiServerFixture()
        : this(new EmbeddedApiServerOptions())
    {
    }

    // Private: xunit class fixtures may have only one public constructor; custom options go through StartAsync.
    private EmbeddedApiServerFixture(EmbeddedApiServerOptions options)
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
