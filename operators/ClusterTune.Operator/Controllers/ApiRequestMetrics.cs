using System.Globalization;
using ClusterTune.Telemetry.Catalog;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// Counts every request the operator's Kubernetes client sends (clustertune_operator_api_requests_total by verb,
/// resource and status code; "error" when no answer came), so throttling and conflicts show on the health dashboard.
/// </summary>
public sealed class ApiRequestMetrics(ClusterTuneMetrics metrics) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (verb, resource) = Classify(request.Method, request.RequestUri!);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            metrics.ApiRequests.WithLabels(verb, resource, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)).Inc();
            return response;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.ApiRequests.WithLabels(verb, resource, "error").Inc();
            throw;
        }
    }

    /// <summary>The Kubernetes verb and resource (with subresource, e.g. trials/status) of a request.</summary>
    public static (string Verb, string Resource) Classify(HttpMethod method, Uri uri)
    {
        var parts = uri.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /api/v1/... or /apis/<group>/<version>/..., then optional namespaces/<ns>, then resource[/name[/sub]].
        var i = parts.Length > 0 && parts[0] == "api" ? 2 : 3;
        if (i + 1 < parts.Length && parts[i] == "namespaces" && parts.Length > i + 2)
        {
            i += 2;
        }

        var rest = parts.Skip(i).ToArray();
        var resource = rest.Length switch
        {
            0 => "unknown",
            >= 3 => rest[0] + "/" + rest[2],
            _ => rest[0],
        };
        var named = rest.Length >= 2;
        var verb = method.Method switch
        {
            "GET" when uri.Query.Contains("watch=true", StringComparison.Ordinal) => "watch",
            "GET" => named ? "get" : "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            var m => m.ToLowerInvariant(),
        };
        return (verb, resource);
    }
}
