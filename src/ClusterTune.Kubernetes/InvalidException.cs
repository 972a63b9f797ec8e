using System.Net;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>422 Invalid: the server rejected the object; see Causes for the fields.</summary>
public sealed class InvalidException : KubernetesApiException
{
    public InvalidException(HttpStatusCode statusCode, Status status, string method, string path)
        : base(statusCode, status, method, path)
    {
    }
}
