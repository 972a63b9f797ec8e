using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;
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
        Client = new IKubernetes(new KubernetesClientOptions { Server = fixture.BaseAddress, V1Namespace = "default" });
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
        await WaitUntilAsync(async () => await Client.TryGetAsync<V1Node>(V1Node) is { Status.Conditions: { Count: > 0 } }, "node registered");
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
            Metadata = new V1ObjectMeta { Name = name, V1Namespace = "default" },
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
        }, $"pod {name}: {what}", seconds, () => last is null ? "absent" : Kubernetes.Serialization.KubernetesJson.Serialize(last.Status));
        return last!;
    }

    public Task<V1Pod> WaitForPhaseAsync(string name, string phase, double seconds = 10) =>
        WaitForPodAsync(name, p => p.Status?.Phase == phase, $"phase {phase}", seconds);

    public async Task WaitForGoneAsync(string name, double seconds = 10) =>
        await WaitUntilAsync(async () => await Client.TryGetAsync<V1Pod>(name, "default") is null, $"pod {name} gone", seconds);

    /// <summary>Collects a pod's watch events from <paramref name="resourceVersion"/> until it is DELETED (the final status lives only briefly before that).</summary>
    public Task<List<WatchEvent<V1Pod>>> WatchUntilDeletedAsync(string name, string? resourceVersion, double seconds = 10) => Task.Run(async () =>
    {
        var events = new List<WatchEvent<V1Pod>>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await foreach (var ev in Client.WatchAsync<V1Pod>("default", new WatchOptions { ResourceVersion = resourceVersion, FieldSelector = $"metadata.name={name}" }, cts.Token))
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
