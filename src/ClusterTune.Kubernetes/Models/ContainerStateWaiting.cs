namespace ClusterTune.Kubernetes.Models;

/// <summary>A container that has not started yet.</summary>
public sealed class ContainerStateWaiting
{
    public string? Reason { get; set; }
    public string? Message { get; set; }
}
