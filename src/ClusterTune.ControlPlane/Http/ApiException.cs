using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Http;

/// <summary>An error answered as a Kubernetes <c>Status</c> body with the given HTTP code.</summary>
internal sealed class ApiException(int code, JsonObject status, TimeSpan? retryAfter = null)
    : Exception(status["message"]?.GetValue<string>())
{
    public int Code { get; } = code;

    public JsonObject Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
