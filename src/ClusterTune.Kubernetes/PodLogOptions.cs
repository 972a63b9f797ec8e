namespace ClusterTune.Kubernetes;

/// <summary>Query parameters of pods/log.</summary>
public sealed record PodLogOptions
{
    public string? Container { get; init; }
    public int? TailLines { get; init; }
    public bool Follow { get; init; }
    public bool Previous { get; init; }
    public int? LimitBytes { get; init; }
}
