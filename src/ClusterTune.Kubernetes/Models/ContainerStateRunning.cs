namespace ClusterTune.Kubernetes.Models;

/// <summary>A running container.</summary>
public sealed class ContainerStateRunning
{
    public DateTimeOffset? StartedAt { get; set; }
}
