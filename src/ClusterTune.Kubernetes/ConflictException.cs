using System.Net;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>409 Conflict: a stale resourceVersion or failed precondition; re-read, re-apply and retry.</summary>
public sealed class ConflictException : KubernetesApiException
{
    public ConflictException(HttpStatusCode statusCode, Status status, string method, string path)
        : base(statusCode, status, method, path)
    {
    }
}
