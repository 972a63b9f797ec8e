namespace ClusterTune.ControlPlane.Logs;

/// <summary>A pods/log request: which pod and container, and the kubectl-style options.</summary>
/// <param name="Container">Null when the request named no container (the pod has exactly one).</param>
public sealed record PodLogRequest(
    string Namespace,
    string Pod,
    string? PodUid,
    string? Container,
    bool Follow,
    bool Previous,
    long? TailLines,
    long? LimitBytes,
    bool Timestamps);
