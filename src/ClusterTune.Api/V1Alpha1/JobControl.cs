using ClusterTune.Api.Contract;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// Who reconciles a FineTuneJob and whether it may run now, as Kueue expects of a batch workload: spec.managedBy
/// hands the job to another controller (batch/v1 Job semantics: any value but ours means hands off), and
/// spec.suspend gates it, defaulting to suspended while a Kueue queue label waits for admission.
/// </summary>
public static class JobControl
{
    /// <summary>The spec.managedBy value meaning ClusterTune's own operator (the same as leaving it unset).</summary>
    public const string ClusterTuneController = "clustertune.io/operator";

    /// <summary>The value MultiKueue sets on a manager cluster's copy of a job it dispatches to a worker cluster.</summary>
    public const string MultiKueueController = "kueue.x-k8s.io/multikueue";

    /// <summary>The longest spec.managedBy (as for batch/v1 Job).</summary>
    public const int MaxManagedByLength = 63;

    /// <summary>A domain-prefixed path, e.g. kueue.x-k8s.io/multikueue (as for batch/v1 Job).</summary>
    public const string ManagedByPattern = @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9._~%!$&'()*+,;=:@/-]+$";

    /// <summary>Whether ClusterTune's operator reconciles <paramref name="job"/> (spec.managedBy unset or ours).</summary>
    public static bool IsManagedByClusterTune(FineTuneJob job) =>
        job?.Spec?.ManagedBy is null or ClusterTuneController;

    /// <summary>Whether the job is suspended: spec.suspend, or, when unset, a Kueue queue label (the job waits for admission).</summary>
    public static bool IsSuspended(FineTuneJob job) =>
        job?.Spec?.Suspend ?? WaitsForKueue(job);

    /// <summary>Why the job is suspended, for its Suspended condition.</summary>
    public static string SuspendMessage(FineTuneJob job) => job?.Spec?.Suspend == true
        ? "spec.suspend is true"
        : $"waiting for Kueue admission: label {LabelKeys.KueueQueueName}={job?.Metadata?.Labels?[LabelKeys.KueueQueueName]} and spec.suspend unset (Kueue admits the job by setting spec.suspend to false)";

    private static bool WaitsForKueue(FineTuneJob? job) =>
        job?.Metadata?.Labels?.TryGetValue(LabelKeys.KueueQueueName, out var queue) == true && !string.IsNullOrEmpty(queue);
}
