using ClusterTune.ControlPlane.Logs;

namespace ClusterTune.ControlPlane;

/// <summary>Settings for <see cref="EmbeddedApiServer"/>; every property has a default suitable for tests.</summary>
public sealed class EmbeddedApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>SQLite file for write-through persistence; null keeps everything in memory.</summary>
    public string? SqlitePath { get; init; }

    /// <summary>
    /// The etcd history: how many revisions' changes are retained for exact lists (resourceVersion=N with
    /// resourceVersionMatch=Exact or with limit) and continue tokens; older revisions answer 410 Expired. Without a
    /// <see cref="WatchCacheSize"/>, watches are served from this history too.
    /// </summary>
    public int WatchWindowSize { get; init; } = 10_000;

    /// <summary>
    /// The watch cache: how many events watches can be resumed from. A watch from an older resourceVersion gets an
    /// ERROR 410 "too old resource version: X (Y)" even while the etcd history still serves exact lists at X (see
    /// docs/control-plane.md). Null (the default) serves watches from the etcd history, like --watch-cache=false.
    /// </summary>
    public int? WatchCacheSize { get; init; }

    /// <summary>How often a watch with allowWatchBookmarks=true receives a BOOKMARK event.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a list "not older than" a future resourceVersion waits before answering 504.</summary>
    public TimeSpan TooLargeResourceVersionWait { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Run what kube-controller-manager does in a cluster: garbage collection through ownerReferences (background,
    /// foreground, orphan), namespace finalization and the node lifecycle controller's NoSchedule taints for nodes
    /// that are not Ready. Off, the server behaves like a bare apiserver (envtest).
    /// </summary>
    public bool EnableControllers { get; init; } = true;

    /// <summary>YAML or JSON files (or directories of them) whose CustomResourceDefinitions are installed at start.</summary>
    public IReadOnlyList<string> CrdPaths { get; init; } = [];

    /// <summary>Namespaces created at start when missing.</summary>
    public IReadOnlyList<string> InitialNamespaces { get; init; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>
    /// Events are deleted this long after they last happened (kube-apiserver's --event-ttl, 1 h by default); null keeps
    /// them forever.
    /// </summary>
    public TimeSpan? EventTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When set, requests must carry "Authorization: Bearer &lt;token&gt;" (else 401).</summary>
    public string? BearerToken { get; init; }

    /// <summary>
    /// Serve HTTPS with a self-signed certificate made for this run (<see cref="EmbeddedApiServer.Certificate"/>, written
    /// into the kubeconfig as its certificate authority). kubectl sends a bearer token only over TLS, so local mode
    /// turns this on with <see cref="BearerToken"/>.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>Serves pods/log; the node agent supplies one. Without it pods/log answers 400.</summary>
    public IPodLogProvider? PodLogProvider { get; set; }

    /// <summary>Clock for timestamps, watch timeouts and bookmarks.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Seeded randomness for generateName suffixes and default watch timeouts.</summary>
    public Random Random { get; init; } = Random.Shared;
}
