using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Configuration of a <see cref="ProcessNodeAgent"/>: the node it registers and how it turns containers into processes.</summary>
public sealed class NodeAgentOptions
{
    /// <summary>The Node object's name (also its kubernetes.io/hostname label).</summary>
    public string NodeName { get; init; } = "local";

    /// <summary>Sandbox root: each pod gets <c>&lt;WorkRoot&gt;/pods/&lt;ns&gt;_&lt;name&gt;_&lt;uid&gt;/</c> (log, termination-log, emptyDirs).</summary>
    public string WorkRoot { get; init; } = Path.Combine(Path.GetTempPath(), "clustertune-node");

    /// <summary>CPU capacity and allocatable, as a quantity ("2", "1500m").</summary>
    public string Cpu { get; init; } = "2";

    /// <summary>Memory capacity and allocatable, as a quantity ("8Gi"). Not enforced on the processes.</summary>
    public string Memory { get; init; } = "8Gi";

    /// <summary>nvidia.com/gpu capacity; advertised only when &gt; 0, and then each pod sees only its GPUs through CUDA_VISIBLE_DEVICES.</summary>
    public int Gpus { get; init; }

    /// <summary>The "pods" capacity: at most this many non-terminal pods are bound to the node (kubelet default 110).</summary>
    public int MaxPods { get; init; } = 110;

    /// <summary>Extra node labels, on top of kubernetes.io/hostname, kubernetes.io/os and kubernetes.io/arch.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Node taints set at registration (none by default); pods need matching tolerations.</summary>
    public IReadOnlyList<V1Taint> Taints { get; init; } = [];

    /// <summary>Image to local command, used when a container has no <c>command</c> (the container's args are appended).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ImageCommands { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Container-to-host path prefixes applied to command, args, env values and workingDir (after the pod's volumes).</summary>
    public IReadOnlyList<PathMapping> PathMappings { get; init; } = [];

    /// <summary>
    /// Variables copied from the agent's own environment into every container (a trailing '*' matches a prefix);
    /// the container's env wins over them.
    /// </summary>
    public IReadOnlyList<string> InheritedEnvironment { get; init; } = DefaultInheritedEnvironment;

    /// <summary>
    /// Whether the agent also acts as the scheduler for unassigned pods with the default scheduler name. Turn it
    /// off on a real cluster whose own scheduler binds pods to this node.
    /// </summary>
    public bool SchedulePods { get; init; } = true;

    /// <summary>How often every known pod is reconciled again, as a safety net for missed events and failed writes.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the Node's Ready condition heartbeat is refreshed (kubelet's nodeStatusUpdateFrequency).</summary>
    public TimeSpan StatusHeartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When <see cref="ProcessNodeAgent.RunAsync"/> is cancelled, the longest a process gets between SIGTERM and SIGKILL.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconcile workers; API calls run on them, processes never do.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>The address reported as podIP and hostIP (processes share the host network).</summary>
    public string HostIP { get; init; } = "127.0.0.1";

    /// <summary>Where a container's termination message is read from when its terminationMessagePath is unset (Kubernetes' default).</summary>
    public string DefaultTerminationMessagePath { get; init; } = "/dev/termination-log";

    /// <summary>
    /// The variable that tells a process where its termination message really goes (its sandbox's file, since a local
    /// process cannot write /dev/termination-log); null sets none. The default is the one ClusterTune's trial contract names.
    /// </summary>
    public string? TerminationMessagePathVariable { get; init; } = "CT_TERMINATION_MESSAGE_PATH";

    /// <summary>What <see cref="InheritedEnvironment"/> holds unless set: what a shell, .NET and native libraries need to start.</summary>
    public static IReadOnlyList<string> DefaultInheritedEnvironment { get; } =
    [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_*", "TZ", "TMPDIR",
        "LD_LIBRARY_PATH", "DOTNET_*", "NUGET_*", "SSL_CERT_FILE", "SSL_CERT_DIR",
    ];
}
