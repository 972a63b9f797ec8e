using ClusterTune.Api.Meta;

namespace ClusterTune.Kubernetes.Models;

/// <summary>core/v1 Event: what `kubectl describe` shows under Events.</summary>
public sealed class Event : IKubernetesObject
{
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = "Event";
    public ObjectMeta Metadata { get; set; } = new();
    public ObjectReference InvolvedObject { get; set; } = new();
    public string? Reason { get; set; }
    public string? Message { get; set; }
    /// <summary>"Normal" or "Warning".</summary>
    public string? Type { get; set; }
    public EventSource? Source { get; set; }
    public DateTimeOffset? FirstTimestamp { get; set; }
    public DateTimeOffset? LastTimestamp { get; set; }
    public int? Count { get; set; }
    public string? ReportingComponent { get; set; }
    public string? ReportingInstance { get; set; }
    public string? Action { get; set; }
}
