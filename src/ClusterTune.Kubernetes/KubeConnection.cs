using ClusterTune.Kubernetes.Retry;
using k8s;

namespace ClusterTune.Kubernetes;

/// <summary>
/// Builds KubernetesClient instances the way every ClusterTune process wants them: configuration from the
/// environment (in-cluster service account, else $KUBECONFIG or ~/.kube/config, all of KubernetesClient's auth:
/// tokens, client certificates, exec plugins), plus our retry handler.
/// </summary>
public static class KubeConnection
{
    /// <summary>Timeout of one non-watch attempt (the retry handler may try again).</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>In-cluster config when KUBERNETES_SERVICE_HOST is set, else the kubeconfig (optionally one context).</summary>
    public static KubernetesClientConfiguration FromEnvironment(string? context = null, string? kubeconfigPath = null) =>
        KubernetesClientConfiguration.IsInCluster() && context is null && kubeconfigPath is null
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, currentContext: context);

    /// <summary>A configuration for a plain http:// server such as the embedded API server (optionally a bearer token).</summary>
    public static KubernetesClientConfiguration ForServer(Uri server, string @namespace = "default", string? token = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificateAuthority = null) =>
        new()
        {
            Host = server.ToString(),
            Namespace = @namespace,
            AccessToken = token,
            SslCaCerts = certificateAuthority is null ? null : new System.Security.Cryptography.X509Certificates.X509Certificate2Collection(certificateAuthority),
        };

    /// <summary>A client with retries (<paramref name="retry"/> null: defaults) and any extra handlers after them, e.g. fault injection.</summary>
    public static k8s.Kubernetes Create(KubernetesClientConfiguration config, RetryOptions? retry = null, TimeProvider? time = null,
        Random? random = null, params DelegatingHandler[] extraHandlers)
    {
        config.UserAgent ??= "clustertune";
        // Watches must outlive any client-wide timeout; the retry handler bounds every other request.
        config.HttpClientTimeout = Timeout.InfiniteTimeSpan;
        var handlers = new List<DelegatingHandler> { new RetryHandler(retry ?? new RetryOptions(), DefaultRequestTimeout, time, random) };
        handlers.AddRange(extraHandlers);
        return new k8s.Kubernetes(config, handlers.ToArray());
    }
}
