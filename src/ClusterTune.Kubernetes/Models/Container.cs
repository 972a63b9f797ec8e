namespace ClusterTune.Kubernetes.Models;

/// <summary>The subset of core/v1 Container ClusterTune uses.</summary>
public sealed class Container
{
    public string Name { get; set; } = "";
    public string? Image { get; set; }
    public List<string>? Command { get; set; }
    public List<string>? Args { get; set; }
    public List<EnvVar>? Env { get; set; }
    public ResourceRequirements? Resources { get; set; }
    public List<VolumeMount>? VolumeMounts { get; set; }
    public string? WorkingDir { get; set; }
    /// <summary>Defaults to /dev/termination-log on a real kubelet.</summary>
    public string? TerminationMessagePath { get; set; }
    /// <summary>"File" or "FallbackToLogsOnError".</summary>
    public string? TerminationMessagePolicy { get; set; }
    public string? ImagePullPolicy { get; set; }
}
