namespace ClusterTune.Kubernetes.Models;

/// <summary>The subset of core/v1 NodeSpec ClusterTune uses.</summary>
public sealed class NodeSpec
{
    public bool? Unschedulable { get; set; }
    public List<Taint>? Taints { get; set; }
    public string? ProviderID { get; set; }
}
