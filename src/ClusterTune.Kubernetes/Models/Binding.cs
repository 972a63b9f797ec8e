using ClusterTune.Api.Meta;

namespace ClusterTune.Kubernetes.Models;

/// <summary>core/v1 Binding, POSTed to pods/NAME/binding to assign a pod to a node.</summary>
public sealed class Binding : IKubernetesObject
{
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = "Binding";
    public ObjectMeta Metadata { get; set; } = new();
    public ObjectReference Target { get; set; } = new();
}
