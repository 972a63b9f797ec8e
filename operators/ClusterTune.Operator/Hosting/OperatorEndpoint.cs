using ClusterTune.Operator.Ingestion;
using ClusterTune.Operator.Web;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterTune.Operator.Hosting;

/// <summary>
/// The silo's HTTP endpoint: POST /v1/metrics (OTLP in, routed to the job grains), /metrics (Prometheus: ClusterTune's
/// and Orleans' own), /healthz, and /readyz (200 once this silo's caches have synced: every silo takes traffic).
/// Started before the controller, so the OTLP endpoint trial pods are given is known.
/// </summary>
public sealed class OperatorEndpoint(OperatorRuntime runtime, IGrainFactory grains, string listen) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>The OTLP/HTTP receiver behind POST /v1/metrics.</summary>
    public OtlpMetricsReceiver Receiver { get; } = new(new ShardTokenValidator(runtime, grains), new GrainMetricsSink(runtime, grains),
        new OtlpReceiverOptions(), observer: runtime.Metrics, logger: runtime.Loggers.CreateLogger<OtlpMetricsReceiver>());

    /// <summary>Where the endpoint listens, once started.</summary>
    public Uri? Address { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(listen);
        builder.Services.AddSingleton(runtime.Loggers);
        var app = builder.Build();
        app.MapOtlpMetrics(Receiver);
        app.MapPrometheusMetrics(runtime.Registry).RequireBearerTokenFile(runtime.Options.MetricsTokenFile);
        app.MapSweepPages(new CacheSweepSource(runtime.Caches, runtime.Client, runtime.Time), runtime.Options.MetricsTokenFile, runtime.Time);
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => runtime.IsReady ? Results.Text("ready") : Results.Text("caches not synced yet", statusCode: 503));
        await app.StartAsync(cancellationToken);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        if (string.IsNullOrEmpty(runtime.Options.OtlpEndpoint))
        {
            runtime.Options = runtime.Options with { OtlpEndpoint = Address.ToString().TrimEnd('/') };
        }
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
