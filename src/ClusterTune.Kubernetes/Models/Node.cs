using ClusterTune.Api.Meta;

namespace ClusterTune.Kubernetes.Models;

/// <summary>core/v1 Node: capacity, allocatable and conditions.</summary>
public sealed class Node : IKubernetesObject
{
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = "Node";
    public ObjectMeta Metadata { get; set; } = new();
    public NodeSpec? Spec { get; set; }
    public NodeStatus? Status { get; set; }
}
