using System.Net;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>404: the object does not exist.</summary>
public sealed class NotFoundException : KubernetesApiException
{
    public NotFoundException(HttpStatusCode statusCode, Status status, string method, string path)
        : base(statusCode, status, method, path)
    {
    }
}
