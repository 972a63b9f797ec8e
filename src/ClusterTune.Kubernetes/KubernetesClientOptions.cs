using System.Security.Cryptography.X509Certificates;
using ClusterTune.Kubernetes.Config;
using ClusterTune.Kubernetes.Retry;

namespace ClusterTune.Kubernetes;

/// <summary>How to reach and authenticate to an API server; build by hand, from kubeconfig or in-cluster.</summary>
public sealed record KubernetesClientOptions
{
    /// <summary>The API server base address; http:// (the embedded server) and https:// both work.</summary>
    public required Uri Server { get; init; }

    /// <summary>Namespace used when a call does not name one.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Bearer token source (static, or a file re-read periodically); null sends no Authorization.</summary>
    public ITokenSource? Token { get; init; }

    /// <summary>HTTP basic credentials from kubeconfig (rare; prefer tokens).</summary>
    public (string User, string Password)? BasicAuth { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>CA bundle to trust for https servers instead of the system store.</summary>
    public X509Certificate2Collection? CertificateAuthority { get; init; }

    /// <summary>Accept any server certificate (kubeconfig insecure-skip-tls-verify); for development only.</summary>
    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>Also the field manager of writes that have none (servers derive it from the User-Agent).</summary>
    public string UserAgent { get; init; } = "clustertune";

    /// <summary>Sent as ?fieldManager= on every write so managedFields name us.</summary>
    public string? FieldManager { get; init; } = "clustertune";

    /// <summary>Timeout of one non-watch attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public RetryOptions Retry { get; init; } = new();

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of retry jitter; inject a seeded one for reproducible tests.</summary>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Type → resource mapping; register CRD types here.</summary>
    public ResourceRegistry Registry { get; init; } = ResourceRegistry.CreateDefault();

    /// <summary>Wraps the transport handler, e.g. with a fault-injecting DelegatingHandler in tests.</summary>
    public Func<HttpMessageHandler, HttpMessageHandler>? WrapHandler { get; init; }

    /// <summary>In-cluster config when KUBERNETES_SERVICE_HOST is set, else kubeconfig ($KUBECONFIG or ~/.kube/config).</summary>
    public static KubernetesClientOptions FromEnvironment(string? context = null) =>
        InClusterConfig.IsInCluster()
            ? InClusterConfig.Load()
            : KubeConfigLoader.LoadDefault(context);
}
