using System.Security.Cryptography.X509Certificates;
using YamlDotNet.RepresentationModel;

namespace ClusterTune.Kubernetes.Config;

/// <summary>
/// Reads kubeconfig files (as kubectl does): $KUBECONFIG (a ':'-separated list, first file to define a name or the
/// current-context wins) or ~/.kube/config; supports token, tokenFile, client certificate/key, CA and insecure flag.
/// </summary>
public static class KubeConfigLoader
{
    /// <summary>Loads $KUBECONFIG or ~/.kube/config, selecting <paramref name="context"/> or the current context.</summary>
    public static KubernetesClientOptions LoadDefault(string? context = null, Func<string, string?>? getEnv = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        var env = getEnv("KUBECONFIG");
        IEnumerable<string> paths;
        if (!string.IsNullOrWhiteSpace(env))
            paths = env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(File.Exists);
        else
        {
            var home = getEnv("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            paths = new[] { Path.Combine(home, ".kube", "config") };
        }
        var list = paths.ToList();
        if (list.Count == 0 || !list.All(File.Exists))
            throw new InvalidOperationException(
                $"No kubeconfig found (KUBECONFIG='{env}'): set KUBECONFIG to a kubeconfig file or create ~/.kube/config.");
        return LoadFromFiles(list, context);
    }

    /// <summary>Loads and merges kubeconfig files in order.</summary>
    public static KubernetesClientOptions LoadFromFiles(IEnumerable<string> paths, string? context = null)
    {
        var merged = new Merged();
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            merged.Add(File.ReadAllText(full), Path.GetDirectoryName(full)!, full);
        }
        return merged.Build(context);
    }

    /// <summary>Parses one kubeconfig document; relative file paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static KubernetesClientOptions Parse(string yaml, string baseDirectory, string? context = null)
    {
        var merged = new Merged();
        merged.Add(yaml, baseDirectory, "<kubeconfig>");
        return merged.Build(context);
    }

    private sealed record Entry(Dictionary<string, string> Fields, string BaseDirectory);

    private sealed class Merged
    {
        private readonly Dictionary<string, Entry> _clusters = new();
        private readonly Dictionary<string, Entry> _users = new();
        private readonly Dictionary<string, Entry> _contexts = new();
        private string? _currentContext;

        public void Add(string yaml, string baseDir, string source)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlDotNet.Core.YamlException e)
            {
                throw new InvalidOperationException($"kubeconfig {source} is not valid YAML: {e.Message}", e);
            }
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
                return;
            if (_currentContext is null && Scalar(root, "current-context") is { Length: > 0 } cc)
                _currentContext = cc;
            Collect(root, "clusters", "cluster", _clusters, baseDir);
            Collect(root, "users", "user", _users, baseDir);
            Collect(root, "contexts", "context", _contexts, baseDir);
        }

        public KubernetesClientOptions Build(string? contextName)
        {
            contextName ??= _currentContext;
            if (string.IsNullOrEmpty(contextName))
                throw new InvalidOperationException("kubeconfig has no current-context: set one (kubectl config use-context NAME) or pass a context name.");
            if (!_contexts.TryGetValue(contextName, out var ctx))
                throw new InvalidOperationException($"kubeconfig context '{contextName}' not found; known: {string.Join(", ", _contexts.Keys)}.");
            var clusterName = ctx.Fields.GetValueOrDefault("cluster")
                ?? throw new InvalidOperationException($"kubeconfig context '{contextName}' names no cluster: set contexts[].context.cluster.");
            if (!_clusters.TryGetValue(clusterName, out var cluster))
                throw new InvalidOperationException($"kubeconfig cluster '{clusterName}' (context '{contextName}') not found.");
            var server = cluster.Fields.GetValueOrDefault("server")
                ?? throw new InvalidOperationException($"kubeconfig cluster '{clusterName}' has no server: set clusters[].cluster.server.");
            if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUri) || (serverUri.Scheme != "http" && serverUri.Scheme != "https"))
                throw new InvalidOperationException($"kubeconfig cluster '{clusterName}' server '{server}' must be an absolute http:// or https:// URL.");

            Entry? user = null;
            if (ctx.Fields.GetValueOrDefault("user") is { Length: > 0 } userName && !_users.TryGetValue(userName, out user))
                throw new InvalidOperationException($"kubeconfig user '{userName}' (context '{contextName}') not found.");

            ITokenSource? token = null;
            X509Certificate2? clientCert = null;
            (string, string)? basic = null;
            if (user is not null)
            {
                var f = user.Fields;
                if (f.GetValueOrDefault("token") is { Length: > 0 } t)
                    token = new StaticTokenSource(t);
                else if (f.GetValueOrDefault("tokenFile") is { Length: > 0 } tf)
                    token = new FileTokenSource(Resolve(user.BaseDirectory, tf));
                var certPem = Pem(f, "client-certificate", user.BaseDirectory);
                var keyPem = Pem(f, "client-key", user.BaseDirectory);
                if (certPem is not null || keyPem is not null)
                {
                    if (certPem is null || keyPem is null)
                        throw new InvalidOperationException($"kubeconfig user '{ctx.Fields["user"]}' needs both client-certificate and client-key (or their -data forms).");
                    clientCert = X509Certificate2.CreateFromPem(certPem, keyPem);
                }
                if (f.GetValueOrDefault("username") is { Length: > 0 } un)
                    basic = (un, f.GetValueOrDefault("password") ?? "");
                if (token is null && clientCert is null && basic is null && (f.ContainsKey("exec") || f.ContainsKey("auth-provider")))
                    throw new InvalidOperationException(
                        $"kubeconfig user '{ctx.Fields["user"]}' uses an exec/auth-provider plugin, which ClusterTune does not run: use a token or a client certificate.");
            }

            X509Certificate2Collection? ca = null;
            if (Pem(cluster.Fields, "certificate-authority", cluster.BaseDirectory) is { } caPem)
            {
                ca = new X509Certificate2Collection();
                ca.ImportFromPem(caPem);
            }
            var insecure = cluster.Fields.GetValueOrDefault("insecure-skip-tls-verify") is { } ins
                && bool.TryParse(ins, out var b) && b;
            var ns = ctx.Fields.GetValueOrDefault("namespace");
            return new KubernetesClientOptions
            {
                Server = serverUri,
                Namespace = string.IsNullOrEmpty(ns) ? "default" : ns,
                Token = token,
                ClientCertificate = clientCert,
                BasicAuth = basic,
                CertificateAuthority = ca,
                InsecureSkipTlsVerify = insecure,
            };
        }

        private static string? Pem(Dictionary<string, string> f, string key, string baseDir)
        {
            if (f.GetValueOrDefault(key + "-data") is { Length: > 0 } data)
            {
                try
                {
                    return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
                }
                catch (FormatException e)
                {
                    throw new InvalidOperationException($"kubeconfig {key}-data is not valid base64: {e.Message}", e);
                }
            }
            if (f.GetValueOrDefault(key) is { Length: > 0 } file)
            {
                var path = Resolve(baseDir, file);
                if (!File.Exists(path))
                    throw new InvalidOperationException($"kubeconfig {key} file '{path}' does not exist.");
                return File.ReadAllText(path);
            }
            return null;
        }

        private static string Resolve(string baseDir, string path) =>
            Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseDir, path));

        private static void Collect(YamlMappingNode root, string listKey, string innerKey, Dictionary<string, Entry> into, string baseDir)
        {
            if (!root.Children.TryGetValue(new YamlScalarNode(listKey), out var node) || node is not YamlSequenceNode seq)
                return;
            foreach (var item in seq.Children.OfType<YamlMappingNode>())
            {
                var name = Scalar(item, "name");
                if (string.IsNullOrEmpty(name) || into.ContainsKey(name))
                    continue;
                var fields = new Dictionary<string, string>();
                if (item.Children.TryGetValue(new YamlScalarNode(innerKey), out var inner) && inner is YamlMappingNode m)
                {
                    foreach (var (k, v) in m.Children)
                    {
                        if (k is not YamlScalarNode ks || ks.Value is null)
                            continue;
                        // Non-scalar values (exec, auth-provider) are recorded by presence only.
                        fields[ks.Value] = v is YamlScalarNode vs ? vs.Value ?? "" : "";
                    }
                }
                into[name] = new Entry(fields, baseDir);
            }
        }

        private static string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;
    }
}
