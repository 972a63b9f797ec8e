using System.Globalization;
using System.Text.RegularExpressions;
using ClusterTune.Cli.Local;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using ClusterTune.Operator;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ClusterTune.Cli.Commands;

/// <summary>
/// `ctune node`: the process node agent against any API server — registers a Node and runs the pods bound to it as
/// local processes of the current user, until SIGTERM/SIGINT (the cancellation token).
/// </summary>
internal static partial class NodeCommand
{
    public const string Usage = """
        usage: ctune node [--kubeconfig PATH] [--context NAME] [--name NODE] [--work-dir DIR]
                          [--cpu N] [--memory 8Gi] [--gpus N]
                          [--image-command IMAGE=CMD ...] [--path-map CONTAINER_PATH=HOST_PATH ...]
        Registers a Node on the cluster and runs the pods bound to it as local processes, without a kubelet, until
        SIGTERM or SIGINT (its processes are then stopped and reported terminated). No container isolation: pods run
        as you, with your files; anyone who can create pods bound to this node runs code as you.
          --kubeconfig PATH    the cluster (default $KUBECONFIG or ~/.kube/config); --context NAME picks a context
          --name NODE          the Node's name (default: this machine's host name, lower-cased)
          --work-dir DIR       pod sandboxes: logs, termination messages, emptyDirs (default ~/.cache/clustertune/node/NODE)
          --cpu N              advertised CPU, a quantity such as 4 or 1500m (default: this machine's processor count)
          --memory Q           advertised memory such as 8Gi, not enforced (default: this machine's memory)
          --gpus N             advertised nvidia.com/gpu; each pod sees its GPUs through CUDA_VISIBLE_DEVICES (default 0)
          --image-command IMAGE=CMD  run containers of IMAGE (any tag, unless IMAGE has one) that have no command
                               as CMD (split on spaces) followed by the container's args; repeatable.
                               Default: clustertune/trainer = the trainer bundled with ctune
          --path-map CONTAINER_PATH=HOST_PATH  rewrite CONTAINER_PATH in command, args, env and workingDir; repeatable.
                               Default: /var/cache/clustertune = $CT_CACHE or ~/.cache/clustertune
        The node does not schedule: the cluster's scheduler binds pods to it (or set spec.nodeName).
        """;

    private static readonly string[] ValueFlags = ["--name", "--work-dir", "--cpu", "--memory", "--gpus", "--image-command", "--path-map"];

    /// <summary>Runs `ctune node`; returns 0 after a clean stop on <paramref name="ct"/>, 2 for bad flags, 1 when the agent fails.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct)
    {
        NodeAgentOptions options;
        k8s.KubernetesClientConfiguration config;
        try
        {
            var parsed = CommandArgs.Parse(args, ValueFlags, []);
            options = Options(parsed);
            config = ClusterConnection.LoadConfig(parsed);
        }
        catch (UsageException e)
        {
            await err.WriteLineAsync($"ctune node: {e.Message}\n{Usage}");
            return 2;
        }

        using var loggers = ConsoleLogging.Create(LogLevel.Information, standardError: true);
        using var client = KubeConnection.Create(config);
        await err.WriteLineAsync($"ctune node: registering node {options.NodeName} on {client.BaseUri} (cpu {options.Cpu}, memory {options.Memory}, gpus {options.Gpus}); work dir {options.WorkRoot}");
        foreach (var (image, command) in options.ImageCommands)
        {
            await err.WriteLineAsync($"ctune node:   image {image} runs {string.Join(' ', command)}");
        }

        foreach (var map in options.PathMappings)
        {
            await err.WriteLineAsync($"ctune node:   path {map.ContainerPrefix} is {map.HostPrefix}");
        }

        if (!options.ImageCommands.Keys.Any(k => k.StartsWith(LocalCluster.TrainerRepository, StringComparison.Ordinal)))
        {
            await err.WriteLineAsync($"ctune node:   (no trainer at {LocalCluster.BundledTrainer}: {LocalCluster.TrainerRepository} is not mapped; build it with `make build` or pass --image-command)");
        }

        Directory.CreateDirectory(options.WorkRoot);
        await using var agent = new ProcessNodeAgent(client, options, loggers.CreateLogger<ProcessNodeAgent>());
        try
        {
            // Returns once ct fires and the processes are stopped and reported; API errors are retried inside.
            await agent.RunAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await err.WriteLineAsync($"ctune node: the node agent failed: {e.Message}");
            return 1;
        }

        await err.WriteLineAsync($"ctune node: node {options.NodeName} stopped");
        return 0;
    }

    /// <summary>The agent options the flags ask for, with the defaults; throws <see cref="UsageException"/> naming a bad flag.</summary>
    internal static NodeAgentOptions Options(CommandArgs args, Func<string, string?>? getEnv = null, string? hostName = null, string? bundledTrainer = null)
    {
        getEnv ??= Environment.GetEnvironmentVariable;
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument '{args.Positionals[0]}'; every setting is a flag, e.g. --name {args.Positionals[0]}");
        }

        if (args.Namespace is not null)
        {
            throw new UsageException("--namespace: a node runs the pods bound to it in every namespace; drop the flag");
        }

        string name;
        if (args.Value("--name") is { } given)
        {
            if (!IsNodeName(given))
            {
                throw new UsageException($"--name: '{given}' is not a valid node name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
            }

            name = given;
        }
        else
        {
            name = (hostName ?? Environment.MachineName).ToLowerInvariant();
            if (!IsNodeName(name))
            {
                throw new UsageException($"--name: the host name '{name}' is not a valid node name; pass --name NODE");
            }
        }

        var home = getEnv("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var workDir = Path.GetFullPath(args.Value("--work-dir") ?? Path.Combine(home, ".cache", "clustertune", "node", name));
        var cpu = args.Value("--cpu") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        CheckQuantity("--cpu", cpu, "4 or 1500m");
        var memory = args.Value("--memory") ?? LocalCluster.DefaultMemory;
        CheckQuantity("--memory", memory, "8Gi or 512Mi");
        var gpus = args.Int("--gpus", 0) ?? 0;

        var images = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        bundledTrainer ??= LocalCluster.BundledTrainer;
        if (File.Exists(bundledTrainer))
        {
            images[LocalCluster.TrainerRepository] = [bundledTrainer, "train"];
        }

        foreach (var value in args.Values("--image-command"))
        {
            var (image, command) = Split("--image-command", value, "IMAGE=COMMAND", "busybox=/bin/sh");
            images[image] = command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var cache = getEnv("CT_CACHE") is { Length: > 0 } c ? c : Path.Combine(home, ".cache", "clustertune");
        var maps = new Dictionary<string, string>(StringComparer.Ordinal) { [LocalCluster.CacheMountPath] = Path.GetFullPath(cache) };
        foreach (var value in args.Values("--path-map"))
        {
            var (container, host) = Split("--path-map", value, "CONTAINER_PATH=HOST_PATH", "/data=/srv/data");
            if (!container.StartsWith('/'))
            {
                throw new UsageException($"--path-map: the container path '{container}' must be absolute, e.g. /data=/srv/data");
            }

            maps[container.Length > 1 ? container.TrimEnd('/') : container] = Path.GetFullPath(host);
        }

        return new NodeAgentOptions
        {
            NodeName = name,
            WorkRoot = workDir,
            Cpu = cpu,
            Memory = memory,
            Gpus = gpus,
            ImageCommands = images,
            PathMappings = [.. maps.Select(m => new PathMapping(m.Key, m.Value))],
            // A real cluster has its own scheduler; binding every pending pod to this node would steal the cluster's pods.
            SchedulePods = false,
        };
    }

    private static (string Left, string Right) Split(string flag, string value, string form, string example)
    {
        var eq = value.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || eq == value.Length - 1 || value[(eq + 1)..].Trim().Length == 0)
        {
            throw new UsageException($"{flag}: expected {form}, e.g. {example}, got '{value}'");
        }

        return (value[..eq], value[(eq + 1)..]);
    }

    private static void CheckQuantity(string flag, string text, string example)
    {
        decimal value;
        try
        {
            value = new ResourceQuantity(text).ToDecimal();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new UsageException($"{flag} must be a positive quantity such as {example}, got '{text}'");
        }

        if (value <= 0)
        {
            throw new UsageException($"{flag} must be a positive quantity such as {example}, got '{text}'");
        }
    }

    private static bool IsNodeName(string name) => name.Length <= 253 && NodeName().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex NodeName();
}
