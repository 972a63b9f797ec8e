using System.Text.Json.Serialization;
using ClusterTune.Api.Meta;

namespace ClusterTune.Kubernetes.Models;

/// <summary>metav1.Status: the body of every API error and of some successful deletes.</summary>
public sealed class Status
{
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = "Status";
    public ListMeta? Metadata { get; set; }
    /// <summary>"Success" or "Failure" (the JSON field "status").</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; set; }
    public string? Message { get; set; }
    /// <summary>Machine-readable reason, one of <see cref="StatusReasons"/> or a newer one.</summary>
    public string? Reason { get; set; }
    public StatusDetails? Details { get; set; }
    public int Code { get; set; }
}
