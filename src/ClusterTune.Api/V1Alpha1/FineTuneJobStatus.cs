using ClusterTune.Api.Meta;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The observed state of a sweep. Bounded in size: counts and the best trial, never one entry per trial.</summary>
public sealed class FineTuneJobStatus
{
    /// <summary>metadata.generation of the spec this status describes.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>Standard conditions; types in <see cref="ConditionTypes"/>, reasons in <see cref="ConditionReasons"/>.</summary>
    [MaxItems(16)]
    public List<Condition>? Conditions { get; set; }

    public FineTuneJobPhase? Phase { get; set; }

    /// <summary>Trial counts by phase.</summary>
    public TrialCounts? Trials { get; set; }

    /// <summary>The best trial so far by the objective (ties: lowest index; NaN never wins).</summary>
    public BestTrial? BestTrial { get; set; }

    /// <summary>Trial checkpoints kept by spec.checkpoints.keepTop, best first (the others were deleted).</summary>
    [MaxItems(50)]
    public List<RetainedCheckpoint>? RetainedCheckpoints { get; set; }

    /// <summary>GPU-seconds consumed by all attempts of all trials (GPUs × running seconds).</summary>
    [Minimum(0)]
    public double? GpuSecondsUsed { get; set; }

    /// <summary>spec.budget.maxGpuHours minus the GPU-hours used (absent when there is no GPU budget); the burn-down.</summary>
    public double? GpuHoursRemaining { get; set; }

    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? CompletionTime { get; set; }

    /// <summary>Human-readable summary of the current state.</summary>
    public string? Message { get; set; }
}
