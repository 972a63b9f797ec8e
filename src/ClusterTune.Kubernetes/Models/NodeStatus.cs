namespace ClusterTune.Kubernetes.Models;

/// <summary>Node status: resources as quantity strings (cpu, memory, nvidia.com/gpu, pods) and conditions.</summary>
public sealed class NodeStatus
{
    public Dictionary<string, string>? Capacity { get; set; }
    public Dictionary<string, string>? Allocatable { get; set; }
    public List<NodeCondition>? Conditions { get; set; }
    public List<NodeAddress>? Addresses { get; set; }
}
