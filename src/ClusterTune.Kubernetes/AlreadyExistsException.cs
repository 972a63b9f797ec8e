using System.Net;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>409 AlreadyExists: a create found the name taken (for deterministic names: already done).</summary>
public sealed class AlreadyExistsException : KubernetesApiException
{
    public AlreadyExistsException(HttpStatusCode statusCode, Status status, string method, string path)
        : base(statusCode, status, method, path)
    {
    }
}
