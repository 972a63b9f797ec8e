using ClusterTune.Api.Schema;
using ClusterTune.ControlPlane;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using ClusterTune.Operator;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Cli.Local;

/// <summary>
/// Local mode in one process: the embedded API server (CRDs installed, state in SQLite under the work directory),
/// a process node agent that runs trial pods as local processes, and the operator — the same code paths as a cluster.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>The trainer image without a tag: a node agent that maps it runs every tag of it as the bundled trainer.</summary>
    public const string TrainerRepository = "clustertune/trainer";

    /// <summary>The image local trials use unless a job names its own command.</summary>
    public const string TrainerImage = TrainerRepository + ":dev";

    /// <summary>The container path the samples use for data and models; local mode maps it to $CT_CACHE.</summary>
    public const string CacheMountPath = "/var/cache/clustertune";

    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    private LocalCluster(EmbeddedApiServer server, IKubernetes client, ProcessNodeAgent agent, OperatorHost host, string workDir)
    {
        Server = server;
        Client = client;
        Agent = agent;
        Operator = host;
        WorkDirectory = workDir;
    }

    public EmbeddedApiServer Server { get; }
    public IKubernetes Client { get; }
    public ProcessNodeAgent Agent { get; }
    public OperatorHost Operator { get; }
    public string WorkDirectory { get; }

    /// <summary>The kubeconfig that points kubectl and `ctune` at this cluster.</summary>
    public string KubeconfigPath => Path.Combine(WorkDirectory, "kubeconfig");

    /// <summary>Where `make data pretrained` put the data sets and the base model: $CT_CACHE, else ~/.cache/clustertune.</summary>
    public static string DefaultCacheDirectory =>
        Environment.GetEnvironmentVariable("CT_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clustertune");

    /// <summary>This machine's memory (or the container's limit) in whole GiB, at least 1Gi: what a local node advertises.</summary>
    public static string DefaultMemory => $"{Math.Max(1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 30)}Gi";

    /// <summary>The trainer shipped next to ctune (the Cli build copies the trainer's output to trainer/).</summary>
    public static string BundledTrainer => Path.Combine(AppContext.BaseDirectory, "trainer", "ClusterTune.Trainer");

    /// <summary>
    /// Starts everything; <paramref name="cacheDir"/> is what /var/cache/clustertune means inside local trial pods,
    /// <paramref name="trainer"/> the program that runs <see cref="TrainerImage"/> (default <see cref="BundledTrainer"/>).
    /// </summary>
    public static async Task<LocalCluster> StartAsync(string workDir, string cacheDir, ILoggerFactory loggers, int cpus, CancellationToken ct, string? trainer = null)
    {
        Directory.CreateDirectory(workDir);
        // Loopback is not private on a shared machine: every request needs this run's token (in the 0600 kubeconfig), over
        // TLS (kubectl sends a token only over HTTPS) with a certificate made for this run.
        var token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { Port = 0, SqlitePath = Path.Combine(workDir, "cluster.db"), BearerToken = token, Tls = true }, ct);
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            server.InstallCrds(yaml);
        }

        server.WriteKubeconfig(Path.Combine(workDir, "kubeconfig"));
        var client = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress, token: token, certificateAuthority: server.Certificate));
        trainer ??= BundledTrainer;
        if (!File.Exists(trainer))
        {
            throw new FileNotFoundException($"the trainer program {trainer} is missing; build it with `make build` (or pass its path)", trainer);
        }

        var agent = new ProcessNodeAgent(client, new NodeAgentOptions
        {
            NodeName = "local",
            WorkRoot = Path.Combine(workDir, "node"),
            Cpu = cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Memory = DefaultMemory,
            ImageCommands = new Dictionary<string, IReadOnlyList<string>> { [TrainerImage] = [trainer, "train"] },
            PathMappings = [new PathMapping(CacheMountPath, cacheDir)],
        }, loggers.CreateLogger<ProcessNodeAgent>());
        server.PodLogProvider = agent.LogProvider;
        var host = new OperatorHost(KubeConnection.ForServer(server.BaseAddress, token: token, certificateAuthority: server.Certificate), new OperatorOptions
        {
            CheckpointRoot = Path.Combine(workDir, "checkpoints"),
            OtlpEndpoint = "",
            // Local trials share the CPU: keep a stopping trainer's checkpoint time short but sufficient.
            TerminationGracePeriodSeconds = 30,
        }, loggers);
        await host.StartWebAsync("http://127.0.0.1:0", ct);
        var cluster = new LocalCluster(server, client, agent, host, workDir);
        cluster._running.Add(agent.RunAsync(cluster._stop.Token));
        cluster._running.Add(host.RunAsync(cluster._stop.Token));
        return cluster;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
        await Agent.DisposeAsync();
        await Operator.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        _stop.Dispose();
    }
}
