namespace ClusterTune.Kubernetes.Models;

/// <summary>Delete only this incarnation (uid) or this version (resourceVersion); a mismatch gives 409.</summary>
public sealed class Preconditions
{
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
}
