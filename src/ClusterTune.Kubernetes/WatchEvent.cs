using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>One line of a watch stream: the object for ADDED/MODIFIED/DELETED/BOOKMARK, the Status for ERROR.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, Status? Error)
    where T : class
{
    /// <summary>True for an ERROR event saying the resourceVersion is too old (reason Expired or Gone, code 410).</summary>
    public bool IsExpired => Type == WatchEventType.Error &&
        (Error?.Code == 410 || Error?.Reason is StatusReasons.Expired or StatusReasons.Gone);
}
