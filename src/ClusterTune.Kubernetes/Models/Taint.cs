namespace ClusterTune.Kubernetes.Models;

/// <summary>A node taint; pods need a matching toleration.</summary>
public sealed class Taint
{
    public string Key { get; set; } = "";
    public string? Value { get; set; }
    /// <summary>"NoSchedule", "PreferNoSchedule" or "NoExecute".</summary>
    public string Effect { get; set; } = "";
}
