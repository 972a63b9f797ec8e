using k8s.Models;
namespace ClusterTune.Operator;

/// <summary>Settings of the operator process (command-line flags of ClusterTune.Operator, or set by `ctune run`).</summary>
public sealed record OperatorOptions
{
    /// <summary>Namespace to watch; null = all namespaces.</summary>
    public string? WatchNamespace { get; init; }

    /// <summary>Default checkpoint storage root when a job sets no spec.checkpoints.storageRoot (a path the operator and trial pods share).</summary>
    public string CheckpointRoot { get; init; } = "/checkpoints";

    /// <summary>PersistentVolumeClaim mounted into trial pods at the checkpoint root; null = a hostPath of the same path (single node, local mode).</summary>
    public string? CheckpointClaim { get; init; }

    /// <summary>The OTLP/HTTP base URL trainers export to (OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://clustertune-operator.clustertune-system.svc:8080.</summary>
    public string OtlpEndpoint { get; init; } = "http://clustertune-operator.clustertune-system.svc:8080";

    /// <summary>Grace period of trial pods: time for the trainer to checkpoint after SIGTERM.</summary>
    public int TerminationGracePeriodSeconds { get; init; } = 60;

    /// <summary>A deleted trial pod still Terminating after its grace period plus this is force-deleted and the trial retried.</summary>
    public TimeSpan StuckTerminatingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A trial pod unschedulable (PodScheduled=False, Unschedulable) for this long fails the trial with reason Unschedulable.</summary>
    public TimeSpan UnschedulableTimeout { get; init; } = Planning.PodScheduling.DefaultTimeout;

    /// <summary>
    /// How often a trial's progress is written: accumulated OTLP observations to Trial status (one batched write per
    /// changed trial, and none when the trial's own status write already carried them), and a phase that only mirrors
    /// the pod. Decisions do not wait for it: the job grain reads pending observations from memory and plans on the
    /// Trials. Longer means fewer API writes and `kubectl get trials` views that lag more.
    /// </summary>
    public TimeSpan ProgressFlushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a FineTuneJob's progress alone — trial counts, GPU time, the messages quoting them — is written to its
    /// status (<see cref="Planning.StatusProgress"/>); anything else in it is written at once. This write is per job, so
    /// its rate is jobs ÷ interval whatever the trials do (1,000 sweeps: 33 writes/s at 30 s, 100 at 10 s); the counts
    /// are live in the operator's metrics and the sweep page, and `kubectl get finetunejobs` lags by at most this.
    /// </summary>
    public TimeSpan JobProgressInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>User and group id trial pods run as (restricted Pod Security: never root); 65532 is the trainer image's own user.</summary>
    public long TrialRunAsUser { get; init; } = 65532;

    /// <summary>
    /// Service accounts a job may name in spec.trainer.serviceAccountName, as "name" (any namespace) or "namespace/name";
    /// "*" allows any. The namespace's "default" account is always allowed. Flag: --allow-service-account.
    /// </summary>
    public IReadOnlyList<string> AllowedServiceAccounts { get; init; } = [];

    /// <summary>
    /// Secrets a job may read through spec.trainer.env[i].valueFrom.secretKeyRef, as "name" or "namespace/name"; "*"
    /// allows any. Empty (the default) allows none. Flag: --allow-secret.
    /// </summary>
    public IReadOnlyList<string> AllowedSecrets { get; init; } = [];

    /// <summary>A file whose content is the bearer token GET /metrics requires; null = /metrics is open. Flag: --metrics-token-file.</summary>
    public string? MetricsTokenFile { get; init; }

    /// <summary>This silo's identity (POD_NAME on a cluster): the identity label of its metrics and the source of its events.</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>The silos' membership: Redis on a cluster; null = localhost clustering (one silo: local mode and tests).</summary>
    public string? RedisConnection { get; init; }

    /// <summary>Orleans cluster and service id: silos with the same pair form one controller (one per Helm release).</summary>
    public string ClusterId { get; init; } = "clustertune";

    /// <summary>Silo-to-silo port (0 = any free port: local mode and tests; the operator's flag defaults to 11111).</summary>
    public int SiloPort { get; init; }

    /// <summary>Orleans gateway port for clients such as the scale benchmark (0 = no gateway).</summary>
    public int GatewayPort { get; init; }

    /// <summary>The address other silos reach this one at (POD_IP on a cluster); null = loopback with localhost clustering, else the first non-loopback address.</summary>
    public string? AdvertisedAddress { get; init; }

    /// <summary>
    /// Failure detection: a silo that misses this many probes of this timeout is voted dead and its job grains reactivate
    /// elsewhere (measured: SIGKILL ~0.8 s, a hung silo ~8 s with 1 s / 2; Orleans' defaults 10 s / 3 gave 5.4 s and 60 s).
    /// </summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc cref="ProbeTimeout"/>
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary>Backoff, attempts and per-POST timeout of spec.notify webhooks.</summary>
    public Planning.NotificationRetry NotificationRetry { get; init; } = Planning.NotificationRetry.Default;

    /// <summary>How often every silo re-touches the grains of all unfinished jobs it knows (a lost one-way message or a lost activation is healed within this).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(2);
}
