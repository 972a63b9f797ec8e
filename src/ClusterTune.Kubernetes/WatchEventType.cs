namespace ClusterTune.Kubernetes;

/// <summary>The type of one watch event.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    /// <summary>Only advances the resourceVersion; the object carries nothing else.</summary>
    Bookmark,
    /// <summary>The object is a Status, e.g. 410 Expired: relist.</summary>
    Error,
}
