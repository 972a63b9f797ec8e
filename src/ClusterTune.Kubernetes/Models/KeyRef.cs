namespace ClusterTune.Kubernetes.Models;

/// <summary>core/v1 SecretKeySelector / ConfigMapKeySelector: one key of a named Secret or ConfigMap.</summary>
public sealed class KeyRef
{
    public string Name { get; set; } = "";
    public string Key { get; set; } = "";
    public bool? Optional { get; set; }
}
