namespace ClusterTune.Kubernetes.Models;

/// <summary>A pod condition (PodScheduled, Ready, DisruptionTarget, ...).</summary>
public sealed class PodCondition
{
    public string Type { get; set; } = "";
    public string Status { get; set; } = "Unknown";
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset? LastProbeTime { get; set; }
    public DateTimeOffset? LastTransitionTime { get; set; }
}
