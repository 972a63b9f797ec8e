namespace ClusterTune.Api.V1Alpha1;

/// <summary>CamelCase reasons for Trial status.reason: why a trial is in its phase (and whether it was retried).</summary>
public static class TrialReasons
{
    public const string Created = "Created";
    public const string PodCreated = "PodCreated";
    public const string PodRunning = "PodRunning";
    public const string Completed = "Completed";
    public const string EarlyStopped = "EarlyStopped";
    /// <summary>Paused at an ASHA rung (promote mode) with a checkpoint, waiting for promotion.</summary>
    public const string PausedAtRung = "PausedAtRung";
    public const string Promoted = "Promoted";
    /// <summary>The job was suspended (spec.suspend, or waiting for Kueue): the pod checkpointed and stopped; it resumes on unsuspend.</summary>
    public const string Suspended = "Suspended";
    /// <summary>Stopped because the job finished or failed while the trial ran.</summary>
    public const string JobEnded = "JobEnded";

    // Infrastructure failures: retried up to spec.retryPolicy.maxAttempts.
    public const string Evicted = "Evicted";
    public const string NodeLost = "NodeLost";
    public const string StuckTerminating = "StuckTerminating";
    public const string PodDeleted = "PodDeleted";
    public const string HeartbeatTimeout = "HeartbeatTimeout";
    /// <summary>Killed by SIGKILL that neither the operator nor a memory limit sent (kill -9 from outside).</summary>
    public const string Killed = "Killed";
    /// <summary>The trainer could not write its checkpoint (exit 74: no space left, I/O error, read-only volume).</summary>
    public const string CheckpointWriteFailed = "CheckpointWriteFailed";
    public const string RetriesExhausted = "RetriesExhausted";

    // User failures: not retried (OOM only with retryOnOom).
    public const string OutOfMemory = "OutOfMemory";
    public const string TrainerError = "TrainerError";
    public const string InvalidConfig = "InvalidConfig";
    public const string ImagePullFailed = "ImagePullFailed";
    /// <summary>No node could run the pod for longer than the operator's unschedulable timeout (e.g. it asks for more CPU than any node has).</summary>
    public const string Unschedulable = "Unschedulable";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string ConstraintViolated = "ConstraintViolated";
    /// <summary>The objective was NaN or missing from the result.</summary>
    public const string InvalidObjective = "InvalidObjective";

    /// <summary>
    /// Retried failures of the trainer itself (not a pod taken away): the retry waits retryPolicy.backoff after the
    /// pod ended. The operator's planner and ctune explain both read this.
    /// </summary>
    public static readonly IReadOnlySet<string> RetriedAfterBackoff = new HashSet<string>(StringComparer.Ordinal) { Killed, CheckpointWriteFailed, OutOfMemory };
}
