namespace ClusterTune.Kubernetes.Models;

/// <summary>The subset of core/v1 PodStatus ClusterTune uses.</summary>
public sealed class PodStatus
{
    /// <summary>One of <see cref="PodPhases"/>.</summary>
    public string? Phase { get; set; }
    public List<PodCondition>? Conditions { get; set; }
    public string? PodIP { get; set; }
    public string? HostIP { get; set; }
    public DateTimeOffset? StartTime { get; set; }
    public List<ContainerStatus>? ContainerStatuses { get; set; }
    /// <summary>Why the pod is in this state, e.g. "Evicted".</summary>
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public string? QosClass { get; set; }
}
