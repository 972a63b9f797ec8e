namespace ClusterTune.Kubernetes.Models;

/// <summary>A volume backed by a PersistentVolumeClaim (trial checkpoints on a shared ReadWriteMany claim).</summary>
public sealed class PersistentVolumeClaimVolumeSource
{
    public string ClaimName { get; set; } = "";
    public bool? ReadOnly { get; set; }
}
