namespace ClusterTune.Kubernetes.Models;

/// <summary>A pod volume; only emptyDir, hostPath and persistentVolumeClaim are modelled.</summary>
public sealed class Volume
{
    public string Name { get; set; } = "";
    public EmptyDirVolumeSource? EmptyDir { get; set; }
    public HostPathVolumeSource? HostPath { get; set; }
    public PersistentVolumeClaimVolumeSource? PersistentVolumeClaim { get; set; }
}
