using ClusterTune.Api.Meta;

namespace ClusterTune.Kubernetes.Models;

/// <summary>core/v1 Namespace.</summary>
public sealed class Namespace : IKubernetesObject
{
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = "Namespace";
    public ObjectMeta Metadata { get; set; } = new();
    public NamespaceSpec? Spec { get; set; }
    public NamespaceStatus? Status { get; set; }
}
