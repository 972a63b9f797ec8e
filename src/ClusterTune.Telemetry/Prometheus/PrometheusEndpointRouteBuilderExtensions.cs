using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClusterTune.Telemetry.Prometheus;

/// <summary>Maps GET /metrics (Prometheus text format 0.0.4) into an ASP.NET Core app.</summary>
public static class PrometheusEndpointRouteBuilderExtensions
{
    /// <summary>Maps GET <paramref name="pattern"/> (default /metrics) to a rendering of <paramref name="registry"/>.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(
        this IEndpointRouteBuilder endpoints,
        MetricRegistry registry,
        string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(registry);
        return endpoints.MapGet(pattern, async (HttpContext context) =>
        {
            var bytes = Encoding.UTF8.GetBytes(PrometheusTextRenderer.Render(registry));
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = PrometheusTextRenderer.ContentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        });
    }
}
