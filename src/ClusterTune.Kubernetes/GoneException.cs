using System.Net;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>410 Expired/Gone: the resourceVersion is too old; relist.</summary>
public sealed class GoneException : KubernetesApiException
{
    public GoneException(HttpStatusCode statusCode, Status status, string method, string path)
        : base(statusCode, status, method, path)
    {
    }
}
