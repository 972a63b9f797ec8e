namespace ClusterTune.Kubernetes.Models;

/// <summary>Mounts a pod volume into a container.</summary>
public sealed class VolumeMount
{
    public string Name { get; set; } = "";
    public string MountPath { get; set; } = "";
    public bool? ReadOnly { get; set; }
    public string? SubPath { get; set; }
}
