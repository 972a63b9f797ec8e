namespace ClusterTune.Kubernetes.Models;

/// <summary>core/v1 ObjectReference: points at another object (event subject, binding target).</summary>
public sealed class ObjectReference
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public string? Namespace { get; set; }
    public string? Name { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
    public string? FieldPath { get; set; }
}
