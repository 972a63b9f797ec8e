namespace ClusterTune.Kubernetes.Models;

/// <summary>Requests and limits as Kubernetes quantity strings ("500m", "2Gi", "1").</summary>
public sealed class ResourceRequirements
{
    public Dictionary<string, string>? Requests { get; set; }
    public Dictionary<string, string>? Limits { get; set; }
}
