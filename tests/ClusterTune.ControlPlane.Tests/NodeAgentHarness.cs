using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Testing;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>A real embedded API server over HTTP, a client and a process node agent on it, in a temp directory.</summary>
internal sealed class NodeAgentHarness : IAsyncDisposable
{
    public const string Node = "node-a";
    private CancellationTokenSource? _cts;
    private Task? _run;

    private NodeAgentHarness(EmbeddedApiServerFixture fixture)
    {
        Fixture = fixture;
        Client = new KubernetesClient(new KubernetesClientOptions { Server = fixture.BaseAddress, Namespace = "default" });
        Dir = fixture.TempDirectory;
        Data = Directory.CreateDirectory(Path.Combine(Dir, "data")).FullName;
        Models = Directory.CreateDirectory(Path.Combine(Dir, "models")).FullName;
    }

    public EmbeddedApiServerFixture Fixture { get; }

    public KubernetesClient Client { get; }

    public ProcessNodeAgent? Agent { get; private set; }

    public string Dir { get; }

    /// <summary>Host directory behind the hostPath volume tests mount at /data.</summary>
    public string Data { get; }

    /// <summary>Host directory the agent maps /models to.</summary>
    public string Models { get; }

    public string WorkRoot => Path.Combine(Dir, "work");

    public static async Task<NodeAgentHarness> StartAsync(bool startAgent = true)
    {
        var h = new NodeAgentHarness(await EmbeddedApiServerFixture.StartAsync());
        if (startAgent)
        {
            await h.StartAgentAsync();
        }

        return h;
    }

    public NodeAgentOptions Options() => new()
    {
        NodeName = Node,
        WorkRoot = WorkRoot,
        Cpu = "2",
        Memory = "4Gi",
        Gpus = 1,
        ImageCommands = new Dictionary<string, IReadOnlyList<string>> { ["local/shell"] = ["/bin/sh", "-c"] },
        PathMappings = [new PathMapping("/models", Models)],
        ShutdownGracePeriod = TimeSpan.FromSeconds(2),
    };

    public async Task StartAgentAsync(NodeAgentOptions? options = null)
    {
        Agent = new ProcessNodeAgent(Client, options ?? Options());
        Fixture.Server.PodLogProvider = Agent.LogProvider;
        _cts = new CancellationTokenSource();
        _run = Agent.RunAsync(_cts.Token);
        await WaitUntilAsync(async () => await Client.TryGetAsync<Node>(Node) is { Status.Conditions: { Count: > 0 } }, "node registered");
    }

    public async Task StopAgentAsync()
    {
        if (_cts is null || _run is null || Agent is null)
        {
            return;
        }

        await _cts.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(15));
        await Agent.DisposeAsync();
        _cts.Dispose();
        _cts = null;
        _run = null;
    }

    public static Pod ShellPod(string name, string script, Action<Pod>? configure = null)
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec
            {
                RestartPolicy = "Never",
                Containers = [new Container { Name = "main", Image = "busybox:1", Command = ["/bin/sh", "-c", script] }],
            },
        };
        configure?.Invoke(pod);
        return pod;
    }

    public Task<Pod> CreateAsync(Pod pod) => Client.CreateAsync(pod);

    public Task<Pod> GetAsync(string name) => Client.GetAsync<Pod>(name, "default");

    /// <summary>Polls until the pod satisfies <paramref name="condition"/>; fails with the last status seen.</summary>
    public async Task<Pod> WaitForPodAsync(string name, Func<Pod, bool> condition, string what, double seconds = 10)
    {
        Pod? last = null;
        await WaitUntilAsync(async () =>
        {
            last = await Client.TryGetAsync<Pod>(name, "default");
            return last is not null && condition(last);
        }, $"pod {name}: {what}", seconds, () => last is null ? "absent" : Kubernetes.Serialization.KubernetesJson.Serialize(last.Status));
        return last!;
    }

    public Task<Pod> WaitForPhaseAsync(string name, string phase, double seconds = 10) =>
        WaitForPodAsync(name, p => p.Status?.Phase == phase, $"phase {phase}", seconds);

    public async Task WaitForGoneAsync(string name, double seconds = 10) =>
        await WaitUntilAsync(async () => await Client.TryGetAsync<Pod>(name, "default") is null, $"pod {name} gone", seconds);

    /// <summary>Collects a pod's watch events from <paramref name="resourceVersion"/> until it is DELETED (the final status lives only briefly before that).</summary>
    public Task<List<WatchEvent<Pod>>> WatchUntilDeletedAsync(string name, string? resourceVersion, double seconds = 10) => Task.Run(async () =>
    {
        var events = new List<WatchEvent<Pod>>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await foreach (var ev in Client.WatchAsync<Pod>("default", new WatchOptions { ResourceVersion = resourceVersion, FieldSelector = $"metadata.name={name}" }, cts.Token))
        {
            events.Add(ev);
            if (ev.Type == WatchEventType.Deleted)
            {
                break;
            }
        }

        return events;
    });

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, double seconds = 10, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {seconds} s waiting for {what}" + (describe is null ? "" : $"; last: {describe()}"));
            }

            await Task.Delay(25);
        }
    }

    public static Task WaitForFileAsync(string path, double seconds = 10) =>
        WaitUntilAsync(() => Task.FromResult(File.Exists(path) && new FileInfo(path).Length > 0), $"file {path}", seconds);

    public async ValueTask DisposeAsync()
    {
        await StopAgentAsync();
        Client.Dispose();
        await Fixture.DisposeAsync();
    }
}
