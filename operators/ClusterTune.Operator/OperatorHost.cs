using ClusterTune.Operator.Hosting;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Prometheus;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator;

/// <summary>
/// The operator process: one Orleans silo of ClusterTune's controller (one grain per FineTuneJob, docs/operator.md)
/// with its informers and its HTTP endpoint (OTLP in, Prometheus out, health). Several processes with the same
/// Redis form one controller; without Redis it is a single silo (local mode, tests).
/// </summary>
public sealed class OperatorHost : IAsyncDisposable
{
    private readonly KubernetesClientConfiguration _config;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly DelegatingHandler[] _extraHandlers;
    private IHost? _host;
    private OperatorRuntime? _runtime;
    private OperatorEndpoint? _endpoint;

    /// <summary>Keeps the settings; nothing runs until <see cref="StartWebAsync"/>.</summary>
    /// <param name="extraHandlers">Handlers between the retry handler and the network, e.g. fault injection in tests.</param>
    public OperatorHost(KubernetesClientConfiguration config, OperatorOptions options, ILoggerFactory loggers, TimeProvider? time = null,
        params DelegatingHandler[] extraHandlers)
    {
        _config = config;
        _loggers = loggers;
        _time = time ?? TimeProvider.System;
        _extraHandlers = extraHandlers;
        Options = options;
    }

    /// <summary>The options in force (the OTLP endpoint is filled in by <see cref="StartWebAsync"/> when it was left empty).</summary>
    public OperatorOptions Options { get; private set; }

    /// <summary>The Prometheus registry behind /metrics.</summary>
    public MetricRegistry Registry => Runtime.Registry;

    /// <summary>The metric catalog's families.</summary>
    public ClusterTuneMetrics Metrics => Runtime.Metrics;

    /// <summary>The OTLP/HTTP receiver behind POST /v1/metrics.</summary>
    public OtlpMetricsReceiver Receiver => _endpoint?.Receiver ?? throw new InvalidOperationException("the operator has not started");

    /// <summary>API writes made by this silo's job grains so far (for the writes-per-trial measurement).</summary>
    public long Writes => _runtime?.Api.Writes ?? 0;

    /// <summary>Where the HTTP endpoint listens, once started.</summary>
    public Uri? Address => _endpoint?.Address;

    /// <summary>The grain factory of this silo (tests and benchmarks ask grains where they live).</summary>
    public IGrainFactory Grains => _host?.Services.GetRequiredService<IGrainFactory>() ?? throw new InvalidOperationException("the operator has not started");

    private OperatorRuntime Runtime => _runtime ?? throw new InvalidOperationException("the operator has not started");

    /// <summary>
    /// Starts the silo (joining the cluster), the HTTP endpoint on <paramref name="url"/> (port 0 = any free port:
    /// /v1/metrics, /metrics, /healthz, /readyz) and the informers; the job grains act once the caches have synced.
    /// </summary>
    public async Task<Uri> StartWebAsync(string url, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggers);
        // The process that embeds the silo (the operator's Program, ctune) owns SIGTERM/SIGINT, not this host.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.UseOrleans(silo => silo.UseClusterTuneClustering(Options));
        _runtime = builder.AddClusterTuneOperator(_config, Options, url, _loggers, _time, _extraHandlers);
        var host = builder.Build();
        _endpoint = host.Services.GetRequiredService<OperatorEndpoint>();
        await host.StartAsync(ct);
        _host = host;
        Options = _runtime.Options;
        return _endpoint.Address!;
    }

    /// <summary>Runs until cancelled, then leaves the cluster gracefully (grains deactivate; another silo takes them).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
            _host = null;
        }
    }

    /// <summary>
    /// Stops at once, as a crash would (fault drills): the grains' work is cancelled and the silo stops without
    /// deactivating them gracefully or leaving the cluster politely; what reached the API is all that remains.
    /// </summary>
    public async Task CrashAsync()
    {
        _runtime?.Stop();
        if (_host is null)
        {
            return;
        }

        await _host.StopAsync(new CancellationToken(canceled: true));
        _host.Dispose();
        _host = null;
    }

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync(CancellationToken.None);
            _host.Dispose();
            _host = null;
        }
        if (_endpoint is not null)
        {
            await _endpoint.DisposeAsync();
        }

        _runtime?.Dispose();
    }
}
