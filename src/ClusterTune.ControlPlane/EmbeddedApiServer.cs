using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Controllers;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterTune.ControlPlane;

/// <summary>
/// An in-process Kubernetes API server (the subset ClusterTune uses) over real HTTP on 127.0.0.1, for tests and
/// local mode. Start it with <see cref="StartAsync"/>, point clients (or kubectl, via <see cref="WriteKubeconfig"/>)
/// at <see cref="BaseAddress"/>, drive failures through <see cref="Faults"/>.
/// </summary>
public sealed class EmbeddedApiServer : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store;
    private readonly Operations _ops;
    private readonly ApiHandler _handler;
    private readonly ClusterControllers? _controllers;
    private readonly EventExpiry? _eventExpiry;
    private readonly EmbeddedApiServerOptions _options;
    private int _disposed;

    private EmbeddedApiServer(WebApplication app, ObjectStore store, Operations ops, ApiHandler handler,
        ClusterControllers? controllers, EmbeddedApiServerOptions options, FaultInjector faults)
    {
        _eventExpiry = options.EventTtl is { } ttl ? new EventExpiry(ops, ttl, options.TimeProvider) : null;
        _app = app;
        _store = store;
        _ops = ops;
        _handler = handler;
        _controllers = controllers;
        _options = options;
        Faults = faults;
    }

    /// <summary>The server's root URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>The server's self-signed certificate when it serves HTTPS (<see cref="EmbeddedApiServerOptions.Tls"/>); clients trust it as their CA.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; private init; }

    /// <summary>Fault injection for the reliability tests.</summary>
    public FaultInjector Faults { get; }

    /// <summary>The current global resourceVersion.</summary>
    public string ResourceVersion => _store.CurrentRv.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Number of watch streams currently open.</summary>
    public int OpenWatchCount => _handler.OpenWatches;

    /// <summary>Serves pods/log; set by the node agent (or a test) at any time.</summary>
    public IPodLogProvider? PodLogProvider
    {
        get => _options.PodLogProvider;
        set => _options.PodLogProvider = value;
    }

    /// <summary>Starts the server and returns once it accepts connections.</summary>
    public static async Task<EmbeddedApiServer> StartAsync(EmbeddedApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedApiServerOptions();
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be 0 (pick a free port) or 1-65535");
        }

        if (options.WatchWindowSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WatchWindowSize, "WatchWindowSize must be at least 1");
        }

        if (options.WatchCacheSize is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.WatchCacheSize, "WatchCacheSize must be at least 1 (or null for no watch cache)");
        }

        var store = new ObjectStore(options.WatchWindowSize, options.WatchCacheSize, options.SqlitePath);
        var registry = new ResourceRegistry();
        var ops = new Operations(store, registry, options.TimeProvider, options.Random);
        foreach (var (_, crd) in store.Items("apiextensions.k8s.io/customresourcedefinitions", null))
        {
            registry.RegisterCrd(crd);
        }

        if (options.EnableControllers)
        {
            NodeLifecycleController.Attach(ops);
        }

        var faults = new FaultInjector();
        EmbeddedApiServer? server = null;
        var handler = new ApiHandler(ops, options, faults, () => server is null ? "127.0.0.1:0" : $"127.0.0.1:{server.BaseAddress.Port}");
        faults.WatchesDropped += handler.DropWatches;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, EmbeddedHostLifetime>();
        var certificate = options.Tls ? LoopbackCertificate.Create() : null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port, l =>
            {
                if (certificate is not null)
                {
                    l.UseHttps(certificate);
                }
            });
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            store.Dispose();
            await app.DisposeAsync();
            throw;
        }

        var controllers = options.EnableControllers ? new ClusterControllers(ops) : null;
        server = new EmbeddedApiServer(app, store, ops, handler, controllers, options, faults) { Certificate = certificate };
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        try
        {
            server.EnsureNamespaces(options.InitialNamespaces);
            foreach (var path in options.CrdPaths)
            {
                server.InstallCrdsFromPath(path);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private void EnsureNamespaces(IEnumerable<string> names)
    {
        var nsType = _ops.Registry.Get("", "v1", "namespaces");
        foreach (var ns in names)
        {
            if (_store.Get(nsType.StorageKey, ns) is null)
            {
                _ops.Create(nsType, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, strictFields: false);
            }
        }
    }

    private void InstallCrdsFromPath(string path)
    {
        if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) ||
                                                                         f.EndsWith(".yml", StringComparison.Ordinal) ||
                                                                         f.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                InstallCrds(File.ReadAllText(file));
            }
        }
        else if (File.Exists(path))
        {
            InstallCrds(File.ReadAllText(path));
        }
        else
        {
            throw new FileNotFoundException($"CRD path \"{path}\" (EmbeddedApiServerOptions.CrdPaths) is neither a file nor a directory", path);
        }
    }

    /// <summary>
    /// Installs (or updates) every apiextensions.k8s.io/v1 CustomResourceDefinition in a YAML or JSON text; other
    /// documents are ignored. Returns the CRD names. Invalid CRDs throw <see cref="InvalidOperationException"/>.
    /// </summary>
    public IReadOnlyList<string> InstallCrds(string yamlOrJson)
    {
        var crdType = _ops.Registry.Get("apiextensions.k8s.io", "v1", "customresourcedefinitions");
        var names = new List<string>();
        foreach (var doc in YamlJson.ParseDocuments(yamlOrJson).OfType<JsonObject>())
        {
            if (JsonUtil.Str(doc, "kind") != "CustomResourceDefinition")
            {
                continue;
            }

            var name = JsonUtil.Str(doc["metadata"], "name") ?? "";
            try
            {
                var existing = _store.Get(crdType.StorageKey, name);
                if (existing is null)
                {
                    _ops.Create(crdType, null, doc, strictFields: false);
                }
                else
                {
                    JsonUtil.Meta(doc)["resourceVersion"] = JsonUtil.Str(existing["metadata"], "resourceVersion");
                    _ops.Update(crdType, null, name, doc, null, strictFields: false);
                }
            }
            catch (ApiException e)
            {
                throw new InvalidOperationException($"CRD \"{name}\" was rejected: {e.Message}", e);
            }

            names.Add(name);
        }

        return names;
    }

    /// <summary>Writes a kubeconfig whose current context points at this server (optionally with a default namespace).</summary>
    public void WriteKubeconfig(string path, string defaultNamespace = "default")
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        var server = BaseAddress.ToString().TrimEnd('/');
        var token = _options.BearerToken ?? "clustertune-local";
        var text = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("clusters:")
            .AppendLine("- name: clustertune-embedded")
            .AppendLine("  cluster:")
            .AppendLine($"    server: {server}")
            .Append(Certificate is null ? "" : $"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(Certificate.ExportCertificatePem()))}\n")
            .AppendLine("contexts:")
            .AppendLine("- name: clustertune-embedded")
            .AppendLine("  context:")
            .AppendLine("    cluster: clustertune-embedded")
            .AppendLine("    user: clustertune-embedded")
            .AppendLine($"    namespace: {defaultNamespace}")
            .AppendLine("current-context: clustertune-embedded")
            .AppendLine("users:")
            .AppendLine("- name: clustertune-embedded")
            .AppendLine("  user:")
            .AppendLine($"    token: {token}")
            .ToString();
        PrivateFile.WriteAllText(path, text);
    }

    /// <summary>
    /// Compacts the etcd history at the current revision: exact lists at older resourceVersions answer 410, and so do
    /// watches from them unless a watch cache (<see cref="EmbeddedApiServerOptions.WatchCacheSize"/>) still holds them.
    /// </summary>
    public void Compact() => _store.Compact();

    /// <summary>
    /// Empties the watch cache window: watches from any older resourceVersion answer 410 "too old resource version",
    /// while exact lists keep being served from the etcd history. Needs <see cref="EmbeddedApiServerOptions.WatchCacheSize"/>.
    /// </summary>
    public void CompactWatchCache() => _store.CompactWatchCache();

    /// <summary>Stops accepting requests, ends open watches and closes the SQLite file.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Faults.DropWatches();
        if (_controllers is not null)
        {
            await _controllers.DisposeAsync();
        }

        if (_eventExpiry is not null)
        {
            await _eventExpiry.DisposeAsync();
        }

        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _app.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Forced shutdown after the grace period.
            }
        }

        await _app.DisposeAsync();
        _store.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    /// <inheritdoc />
    public void Dispose() => StopAsync().GetAwaiter().GetResult();
}
