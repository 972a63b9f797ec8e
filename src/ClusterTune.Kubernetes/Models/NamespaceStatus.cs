namespace ClusterTune.Kubernetes.Models;

/// <summary>Namespace status: "Active" or "Terminating".</summary>
public sealed class NamespaceStatus
{
    public string? Phase { get; set; }
}
