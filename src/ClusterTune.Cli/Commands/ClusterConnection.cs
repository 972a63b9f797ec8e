using ClusterTune.Kubernetes;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

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
        // --kubeconfig, else every file of $KUBECONFIG merged as kubectl does (the first to define a name wins), else
        // ~/.kube/config.
        var paths = args.Kubeconfig is { } explicitPath ? [explicitPath]
            : getEnv("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } list ? list
            : [Path.Combine(getEnv("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
        var flag = args.Kubeconfig is not null ? "--kubeconfig" : "$KUBECONFIG or ~/.kube/config";
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count == 0 || (args.Kubeconfig is not null && existing.Count != paths.Length))
        {
            throw new UsageException($"{flag}: '{string.Join(Path.PathSeparator, paths)}' does not exist; pass the path of a kubeconfig file with --kubeconfig");
        }

        var where = string.Join(Path.PathSeparator, existing);
        KubernetesClientConfiguration config;
        try
        {
            var merged = Merge(existing.Select(f => KubernetesClientConfiguration.LoadKubeConfig(f, useRelativePaths: true)).ToList());
            if (args.Context is { } wanted && !merged.Contexts.Any(c => c.Name == wanted))
            {
                var known = merged.Contexts.Select(x => x.Name).ToList();
                throw new UsageException($"--context: kubeconfig context '{wanted}' not found; known: {(known.Count == 0 ? "none" : string.Join(", ", known))} (in {where})");
            }
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, args.Context);
        }
        catch (KubeConfigException e)
        {
            var which = args.Context is not null && e.Message.Contains("context", StringComparison.OrdinalIgnoreCase) ? "--context" : "--kubeconfig";
            throw new UsageException($"{which}: {e.Message} (in {where})");
        }

        config.UserAgent = "ctune";
        return config;
    }

    // kubectl's merge rule for $KUBECONFIG lists: the first file to set current-context or define a name wins.
    private static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> files)
    {
        if (files.Count == 1)
        {
            return files[0];
        }

        IEnumerable<T> FirstByName<T>(Func<K8SConfiguration, IEnumerable<T>?> items, Func<T, string> name) =>
            files.SelectMany(f => items(f) ?? []).GroupBy(name).Select(g => g.First()).ToList();
        return new K8SConfiguration
        {
            ApiVersion = files[0].ApiVersion,
            Kind = files[0].Kind,
            CurrentContext = files.Select(f => f.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Contexts = FirstByName(f => f.Contexts, c => c.Name),
            Clusters = FirstByName(f => f.Clusters, c => c.Name),
            Users = FirstByName(f => f.Users, u => u.Name),
        };
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}
