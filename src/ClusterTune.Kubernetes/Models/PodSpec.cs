namespace ClusterTune.Kubernetes.Models;

/// <summary>The subset of core/v1 PodSpec ClusterTune uses.</summary>
public sealed class PodSpec
{
    public List<Container> Containers { get; set; } = new();
    public string? NodeName { get; set; }
    public Dictionary<string, string>? NodeSelector { get; set; }
    public List<Toleration>? Tolerations { get; set; }
    public string? PriorityClassName { get; set; }
    /// <summary>"Always", "OnFailure" or "Never" (trials use "Never").</summary>
    public string? RestartPolicy { get; set; }
    public long? TerminationGracePeriodSeconds { get; set; }
    public List<Volume>? Volumes { get; set; }
    public string? ServiceAccountName { get; set; }
    public string? SchedulerName { get; set; }
}
