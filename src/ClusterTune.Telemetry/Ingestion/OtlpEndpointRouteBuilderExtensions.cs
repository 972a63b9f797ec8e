using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Maps the OTLP/HTTP metrics receiver into an ASP.NET Core app.</summary>
public static class OtlpEndpointRouteBuilderExtensions
{
    /// <summary>Maps POST <paramref name="pattern"/> (default /v1/metrics) to <paramref name="receiver"/>.</summary>
    public static IEndpointConventionBuilder MapOtlpMetrics(
        this IEndpointRouteBuilder endpoints,
        OtlpMetricsReceiver receiver,
        string pattern = OtlpReceiverOptions.DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(receiver);
        return endpoints.MapPost(pattern, (HttpContext context) => receiver.HandleAsync(context));
    }
}
