namespace ClusterTune.Kubernetes.Models;

/// <summary>Namespace spec: the finalizers that hold deletion (normally "kubernetes").</summary>
public sealed class NamespaceSpec
{
    public List<string>? Finalizers { get; set; }
}
