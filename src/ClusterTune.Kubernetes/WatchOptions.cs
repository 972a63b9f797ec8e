namespace ClusterTune.Kubernetes;

/// <summary>Query parameters of a watch call.</summary>
public sealed record WatchOptions
{
    /// <summary>Unset or "0": synthetic ADDED for existing objects first; "N": only changes after N.</summary>
    public string? ResourceVersion { get; init; }
    public bool AllowWatchBookmarks { get; init; } = true;
    /// <summary>The server ends the stream after this long (a normal end, not an error).</summary>
    public int? TimeoutSeconds { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
}
