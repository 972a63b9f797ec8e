namespace ClusterTune.Kubernetes.Models;

/// <summary>The observed state of one container.</summary>
public sealed class ContainerStatus
{
    public string Name { get; set; } = "";
    public bool Ready { get; set; }
    public int RestartCount { get; set; }
    public string? Image { get; set; }
    public string? ContainerID { get; set; }
    public bool? Started { get; set; }
    public ContainerState? State { get; set; }
    public ContainerState? LastState { get; set; }
}
