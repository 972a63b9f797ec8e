namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// CamelCase reasons of the Kubernetes Events the operator records on FineTuneJobs and Trials. Events are for
/// decisions and exceptions, not routine progress: each is an API write, and a trial created, succeeding, pausing at a
/// rung or ending after a stop decision is in its status already (docs/api.md "Event reasons").
/// </summary>
public static class EventReasons
{
    // On the FineTuneJob
    public const string SpecInvalid = "SpecInvalid";
    public const string SweepStarted = "SweepStarted";
    public const string TrialStopped = "TrialStopped";
    public const string TrialPromoted = "TrialPromoted";
    /// <summary>PBT: a bottom-quantile trial took a top trial's checkpoint and explored parameters.</summary>
    public const string TrialExploited = "TrialExploited";
    /// <summary>Warning: a PBT exploit could not copy the donor's checkpoint; the trial keeps its own and is retried next reconcile.</summary>
    public const string TrialExploitFailed = "TrialExploitFailed";
    public const string BestTrialChanged = "BestTrialChanged";
    public const string BudgetExhausted = "BudgetExhausted";
    public const string SweepSucceeded = "SweepSucceeded";
    public const string SweepFailed = "SweepFailed";
    public const string SweepSuspended = "SweepSuspended";
    public const string SweepResumed = "SweepResumed";
    public const string CheckpointPromoted = "CheckpointPromoted";
    public const string CheckpointPromotionFailed = "CheckpointPromotionFailed";
    public const string CheckpointsDeleted = "CheckpointsDeleted";
    public const string CleanupCompleted = "CleanupCompleted";
    /// <summary>A spec.notify webhook answered 2xx for an event (status.notifications records it).</summary>
    public const string NotificationDelivered = "NotificationDelivered";
    /// <summary>Warning: an attempt to POST a spec.notify event failed (retried with backoff until abandoned).</summary>
    public const string NotificationFailed = "NotificationFailed";
    /// <summary>Warning: a job named in spec.warmStartFrom does not exist; the sweep runs without its trials.</summary>
    public const string WarmStartSourceMissing = "WarmStartSourceMissing";
    /// <summary>A deleted job's pods are being stopped (the count is known only here; CleanupCompleted follows).</summary>
    public const string PodsStopping = "PodsStopping";
    /// <summary>Warning: the object does not fit the API types (e.g. a number beyond int32), so the operator skips it.</summary>
    public const string ObjectUndecodable = "ObjectUndecodable";

    // On the Trial
    public const string PodCreated = "PodCreated";
    public const string PodDeleted = "PodDeleted";
    public const string TrialStarted = "TrialStarted";
    public const string TrialFailed = "TrialFailed";
    public const string TrialRetried = "TrialRetried";
    public const string TrialPaused = "TrialPaused";
    public const string TrialResumed = "TrialResumed";
    public const string TrialStuck = "TrialStuck";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string ResultRecovered = "ResultRecovered";
    public const string MetricsRejected = "MetricsRejected";
}
