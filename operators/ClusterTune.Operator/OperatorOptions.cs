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

    /// <summary>How often accumulated OTLP observations are written to Trial status (one batched write per changed trial).</summary>
    public TimeSpan ObservationFlushInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Concurrent reconciles per controller.</summary>
    public int Workers { get; init; } = 2;

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

    /// <summary>Leader election: the Lease name and namespace, and this replica's identity; null namespace = no election (single replica).</summary>
    public string LeaseName { get; init; } = "clustertune-operator-leader";
    public string? LeaseNamespace { get; init; }
    public string Identity { get; init; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";
}
