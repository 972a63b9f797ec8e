using ClusterTune.Kubernetes;
using k8s;
using k8s.Exceptions;

namespace ClusterTune.Cli.Commands;

/// <summary>A client for the cluster the kubeconfig flags select, and the namespace to inspect.</summary>
internal sealed class ClusterConnection : IDisposable
{
    private readonly k8s.Kubernetes _client;

    private ClusterConnection(k8s.Kubernetes client, string ns)
    {
        _client = client;
        Namespace = ns;
    }

    public IKubernetes Client => _client;

    /// <summary>-n/--namespace, else the context's namespace, else "default".</summary>
    public string Namespace { get; }

    /// <summary>The API server URL, for error messages.</summary>
    public Uri Server => _client.BaseUri;

    /// <summary>
    /// Loads --kubeconfig (or $KUBECONFIG / ~/.kube/config) with --context through KubernetesClient and opens a client
    /// with ClusterTune's retries; throws <see cref="UsageException"/> that names the flag and the fix when the file
    /// or the context is wrong.
    /// </summary>
    public static ClusterConnection Open(CommandArgs args, Func<string, string?>? getEnv = null)
    {
        var config = LoadConfig(args, getEnv);
        return new ClusterConnection(KubeConnection.Create(config), args.Namespace ?? config.Namespace ?? "default");
    }

    /// <summary>
    /// The client configuration --kubeconfig (or $KUBECONFIG / ~/.kube/config) and --context select, with user agent
    /// "ctune"; throws <see cref="UsageException"/> that names the flag and the fix when the file or the context is wrong.
    /// </summary>
    public static KubernetesClientConfiguration LoadConfig(CommandArgs args, Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var path = args.Kubeconfig
                   ?? getEnv("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                   ?? Path.Combine(getEnv("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        var flag = args.Kubeconfig is not null ? "--kubeconfig" : "$KUBECONFIG or ~/.kube/config";
        if (!File.Exists(path))
            throw new UsageException($"{flag}: '{path}' does not exist; pass the path of a kubeconfig file with --kubeconfig");
        KubernetesClientConfiguration config;
        try
        {
            if (args.Context is { } wanted)
            {
                var known = KubernetesClientConfiguration.LoadKubeConfig(path).Contexts?.Select(x => x.Name).ToList() ?? [];
                if (!known.Contains(wanted))
                    throw new UsageException($"--context: kubeconfig context '{wanted}' not found; known: {(known.Count == 0 ? "none" : string.Join(", ", known))} (in {path})");
            }
            config = KubeConnection.FromEnvironment(args.Context, path);
        }
        catch (KubeConfigException e)
        {
            var which = args.Context is not null && e.Message.Contains("context", StringComparison.OrdinalIgnoreCase) ? "--context" : "--kubeconfig";
            throw new UsageException($"{which}: {e.Message} (in {path})");
        }

        config.UserAgent = "ctune";
        return config;
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
