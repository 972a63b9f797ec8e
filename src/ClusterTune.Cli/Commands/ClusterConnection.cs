using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Config;

namespace ClusterTune.Cli.Commands;

/// <summary>A client for the cluster the kubeconfig flags select, and the namespace to inspect.</summary>
internal sealed class ClusterConnection : IDisposable
{
    private ClusterConnection(KubernetesClient client, string ns)
    {
        Client = client;
        Namespace = ns;
    }

    public KubernetesClient Client { get; }

    /// <summary>-n/--namespace, else the context's namespace, else "default".</summary>
    public string Namespace { get; }

    /// <summary>The API server URL, for error messages.</summary>
    public Uri Server => Client.Options.Server;

    /// <summary>
    /// Loads --kubeconfig (or $KUBECONFIG / ~/.kube/config) with --context; throws <see cref="UsageException"/> that
    /// names the flag and the fix when the file or the context is wrong.
    /// </summary>
    public static ClusterConnection Open(CommandArgs args, Func<string, string?>? getEnv = null)
    {
        KubernetesClientOptions options;
        try
        {
            if (args.Kubeconfig is { } path)
            {
                if (!File.Exists(path))
                    throw new UsageException($"--kubeconfig: '{path}' does not exist; pass the path of a kubeconfig file");
                options = KubeConfigLoader.LoadFromFiles([path], args.Context);
            }
            else
            {
                options = KubeConfigLoader.LoadDefault(args.Context, getEnv);
            }
        }
        catch (InvalidOperationException e)
        {
            var flag = args.Context is not null && e.Message.Contains("context", StringComparison.Ordinal) ? "--context" : "--kubeconfig";
            throw new UsageException($"{flag}: {e.Message}");
        }

        return new ClusterConnection(new KubernetesClient(options), args.Namespace ?? options.Namespace);
    }

    /// <inheritdoc />
    public void Dispose() => Client.Dispose();
}
