namespace ClusterTune.Kubernetes.Models;

/// <summary>A node condition (Ready, MemoryPressure, ...).</summary>
public sealed class NodeCondition
{
    public string Type { get; set; } = "";
    public string Status { get; set; } = "Unknown";
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset? LastHeartbeatTime { get; set; }
    public DateTimeOffset? LastTransitionTime { get; set; }
}
