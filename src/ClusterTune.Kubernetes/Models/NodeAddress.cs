namespace ClusterTune.Kubernetes.Models;

/// <summary>A node address (InternalIP, Hostname, ...).</summary>
public sealed class NodeAddress
{
    public string Type { get; set; } = "";
    public string Address { get; set; } = "";
}
