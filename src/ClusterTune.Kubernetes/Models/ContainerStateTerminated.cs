namespace ClusterTune.Kubernetes.Models;

/// <summary>A finished container: exit code, reason (Completed, Error, OOMKilled) and termination message.</summary>
public sealed class ContainerStateTerminated
{
    public int ExitCode { get; set; }
    public int? Signal { get; set; }
    public string? Reason { get; set; }
    /// <summary>The termination message (the trial's result JSON travels here).</summary>
    public string? Message { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? ContainerID { get; set; }
}
