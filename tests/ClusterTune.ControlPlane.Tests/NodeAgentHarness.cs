using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using ClusterTune.Testing;
using k8s;
using k8s.Models;

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
        Client = KubeConnection.Create(KubeConnection.ForServer(fixture.BaseAddress));
        Dir = fixture.TempDirectory;
        Data = Directory.CreateDirectory(Path.Combine(Dir, "data")).FullName;
        Models = Directory.CreateDirectory(Path.Combine(Dir, "models")).FullName;
    }

    public EmbeddedApiServerFixture Fixture { get; }

    public IKubernetes Client { get; }

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
        await WaitUntilAsync(async () => await Client.TryGetAsync<V1Node>(Node, null) is { Status.Conditions: { Count: > 0 } }, "node registered");
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

    public static V1Pod ShellPod(string name, string script, Action<V1Pod>? configure = null)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1PodSpec
            {
                RestartPolicy = "Never",
                Containers = [new V1Container { Name = "main", Image = "busybox:1", Command = ["/bin/sh", "-c", script] }],
            },
        };
        configure?.Invoke(pod);
        return pod;
    }

    public Task<V1Pod> CreateAsync(V1Pod pod) => Client.CreateAsync(pod);

    public Task<V1Pod> GetAsync(string name) => Client.GetAsync<V1Pod>(name, "default");

    /// <summary>Polls until the pod satisfies <paramref name="condition"/>; fails with the last status seen.</summary>
    public async Task<V1Pod> WaitForPodAsync(string name, Func<V1Pod, bool> condition, string what, double seconds = 10)
    {
        V1Pod? last = null;
        await WaitUntilAsync(async () =>
        {
            last = await Client.TryGetAsync<V1Pod>(name, "default");
            return last is not null && condition(last);
        }, $"pod {name}: {what}", seconds, () => last is null ? "absent" : KubernetesJson.Serialize(last.Status));
        return last!;
    }

    /// <summary>Binds a pod to this harness's node as a scheduler would (POST pods/binding).</summary>
    public Task BindAsync(string pod) => Client.CoreV1.CreateNamespacedPodBindingAsync(
        new V1Binding { Metadata = new V1ObjectMeta { Name = pod }, Target = new V1ObjectReference { Kind = "Node", Name = Node } }, pod, "default");

    public Task<V1Pod> WaitForPhaseAsync(string name, string phase, double seconds = 10) =>
        WaitForPodAsync(name, p => p.Status?.Phase == phase, $"phase {phase}", seconds);

    public async Task WaitForGoneAsync(string name, double seconds = 10) =>
        await WaitUntilAsync(async () => await Client.TryGetAsync<V1Pod>(name, "default") is null, $"pod {name} gone", seconds);

    /// <summary>Collects a pod's watch events from <paramref name="resourceVersion"/> until it is DELETED (the final status lives only briefly before that).</summary>
    public Task<List<(WatchEventType Type, V1Pod Object)>> WatchUntilDeletedAsync(string name, string? resourceVersion, double seconds = 10) => Task.Run(async () =>
    {
        var events = new List<(WatchEventType Type, V1Pod Object)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await foreach (var (type, raw) in Client.WatchRawAsync<V1Pod>("default", resourceVersion, null, $"metadata.name={name}", 300, cts.Token))
        {
            events.Add((type, KubernetesJson.Deserialize<V1Pod>(raw)));
            if (type == WatchEventType.Deleted)
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
