namespace ClusterTune.Kubernetes.Models;

/// <summary>A downward-API field reference such as metadata.name or status.podIP.</summary>
public sealed class ObjectFieldSelector
{
    public string? ApiVersion { get; set; }
    public string FieldPath { get; set; } = "";
}
