namespace ClusterTune.Kubernetes.Models;

/// <summary>The component (and host) that emitted an event.</summary>
public sealed class EventSource
{
    public string? Component { get; set; }
    public string? Host { get; set; }
}
