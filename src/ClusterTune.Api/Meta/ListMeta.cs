namespace ClusterTune.Api.Meta;

/// <summary>metav1.ListMeta: the list's resourceVersion and the pagination token.</summary>
public sealed class ListMeta
{
    public string? ResourceVersion { get; set; }
    public string? Continue { get; set; }
    public long? RemainingItemCount { get; set; }
}
