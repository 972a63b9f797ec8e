namespace ClusterTune.Api.Contract;

/// <summary>Kubernetes label keys ClusterTune puts on Trials and Pods.</summary>
public static class LabelKeys
{
    public const string Job = "clustertune.io/job";
    public const string Trial = "clustertune.io/trial";
    public const string TrialIndex = "clustertune.io/trial-index";
    public const string Attempt = "clustertune.io/attempt";

    /// <summary>The job's shard (<see cref="JobShards"/>) on its Trials and pods: operator silos watch only the shards they own.</summary>
    public const string Shard = "clustertune.io/shard";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "clustertune";

    /// <summary>Kueue's queue label: a FineTuneJob carrying it with spec.suspend unset starts suspended, waiting for admission.</summary>
    public const string KueueQueueName = "kueue.x-k8s.io/queue-name";
}
