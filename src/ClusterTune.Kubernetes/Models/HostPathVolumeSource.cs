namespace ClusterTune.Kubernetes.Models;

/// <summary>A directory or file on the node.</summary>
public sealed class HostPathVolumeSource
{
    public string Path { get; set; } = "";
    public string? Type { get; set; }
}
