using ClusterTune.Api.Meta;

namespace ClusterTune.Kubernetes.Models;

/// <summary>A list response (PodList, LeaseList, FineTuneJobList, ...).</summary>
public sealed class KubernetesList<T>
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public ListMeta Metadata { get; set; } = new();
    public List<T> Items { get; set; } = new();
}
