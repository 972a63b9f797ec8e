using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Telemetry.Tests.Support;

/// <summary>Kestrel on 127.0.0.1:0 hosting the receiver (and /metrics) exactly as the operator will.</summary>
internal sealed class ReceiverHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ReceiverHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri MetricsUri => new(BaseAddress, OtlpReceiverOptions.DefaultPath);

    public static async Task<ReceiverHost> StartAsync(OtlpMetricsReceiver receiver, MetricRegistry? registry = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapOtlpMetrics(receiver);
        if (registry is not null)
        {
            app.MapPrometheusMetrics(registry);
        }
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReceiverHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
