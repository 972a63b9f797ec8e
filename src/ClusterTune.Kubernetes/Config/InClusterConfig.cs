using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ClusterTune.Kubernetes.Config;

/// <summary>Configuration for a pod: KUBERNETES_SERVICE_HOST/PORT, the service-account token, CA and namespace.</summary>
public static class InClusterConfig
{
    public const string DefaultServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>True when both KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are set.</summary>
    public static bool IsInCluster(Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        return !string.IsNullOrEmpty(getEnv("KUBERNETES_SERVICE_HOST")) && !string.IsNullOrEmpty(getEnv("KUBERNETES_SERVICE_PORT"));
    }

    /// <summary>Builds options from the pod environment; <paramref name="serviceAccountDir"/> is overridable for tests.</summary>
    public static KubernetesClientOptions Load(Func<string, string?>? getEnv = null, string serviceAccountDir = DefaultServiceAccountDir,
        TimeProvider? timeProvider = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var host = getEnv("KUBERNETES_SERVICE_HOST");
        var port = getEnv("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
            throw new InvalidOperationException(
                "Not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (use a kubeconfig outside a pod).");
        // IPv6 literals need brackets, as Go's net.JoinHostPort does.
        var hostPart = IPAddress.TryParse(host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? "[" + host + "]"
            : host;
        var tokenPath = System.IO.Path.Combine(serviceAccountDir, "token");
        if (!File.Exists(tokenPath))
            throw new InvalidOperationException($"In-cluster token file {tokenPath} is missing: mount a service-account token (automountServiceAccountToken).");
        var caPath = System.IO.Path.Combine(serviceAccountDir, "ca.crt");
        X509Certificate2Collection? ca = null;
        if (File.Exists(caPath))
        {
            ca = new X509Certificate2Collection();
            ca.ImportFromPemFile(caPath);
        }
        var nsPath = System.IO.Path.Combine(serviceAccountDir, "namespace");
        var ns = File.Exists(nsPath) ? File.ReadAllText(nsPath).Trim() : "default";
        return new KubernetesClientOptions
        {
            Server = new Uri($"https://{hostPart}:{port}"),
            Namespace = ns.Length == 0 ? "default" : ns,
            Token = new FileTokenSource(tokenPath, timeProvider),
            CertificateAuthority = ca,
            TimeProvider = timeProvider ?? TimeProvider.System,
        };
    }
}
