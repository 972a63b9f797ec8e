namespace ClusterTune.Kubernetes.Models;

/// <summary>A container environment variable: a literal value or a downward-API reference.</summary>
public sealed class EnvVar
{
    public string Name { get; set; } = "";
    public string? Value { get; set; }
    public EnvVarSource? ValueFrom { get; set; }
}
