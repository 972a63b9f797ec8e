namespace ClusterTune.Kubernetes;

/// <summary>Query parameters of a list call.</summary>
public sealed record ListOptions
{
    /// <summary>e.g. "clustertune.io/job=sweep-a,tier in (gpu)"; see <see cref="Selectors.LabelSelector"/>.</summary>
    public string? LabelSelector { get; init; }
    /// <summary>e.g. "spec.nodeName=node-1,status.phase!=Succeeded".</summary>
    public string? FieldSelector { get; init; }
    /// <summary>Page size; the response carries a continue token when more remain.</summary>
    public int? Limit { get; init; }
    public string? Continue { get; init; }
    /// <summary>Unset = most recent (quorum read), "0" = any (may be stale), "N" = not older than N (exact with limit).</summary>
    public string? ResourceVersion { get; init; }
    public string? ResourceVersionMatch { get; init; }
    public int? TimeoutSeconds { get; init; }
}
