using System.ComponentModel;
using ClusterTune.Api.Schema;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The observed state of a sweep. Bounded in size: counts and the best trial, never one entry per trial.</summary>
public sealed class FineTuneJobStatus
{
    [Description("metadata.generation of the spec this status describes.")]
    public long? ObservedGeneration { get; set; }

    [MaxItems(16)]
    [Description("Standard conditions: Validated, Running, Complete, Failed, Suspended, BudgetExhausted, CheckpointPromoted, WarmStarted.")]
    public List<V1Condition>? Conditions { get; set; }

    [Description("Pending, Running, Suspended, Succeeded or Failed; the conditions carry the detail.")]
    public FineTuneJobPhase? Phase { get; set; }

    [Description("Trial counts by phase.")]
    public TrialCounts? Trials { get; set; }

    [Description("The best trial so far by the objective (ties: lowest index; NaN never wins).")]
    public BestTrial? BestTrial { get; set; }

    [MaxItems(50)]
    [Description("Trial checkpoints kept by spec.checkpoints.keepTop, best first (the others were deleted).")]
    public List<RetainedCheckpoint>? RetainedCheckpoints { get; set; }

    [Minimum(0)]
    [Description("GPU-seconds consumed by all attempts of all trials (GPUs × running seconds).")]
    public double? GpuSecondsUsed { get; set; }

    [Description("spec.budget.maxGpuHours minus the GPU-hours used (absent when there is no GPU budget); the burn-down.")]
    public double? GpuHoursRemaining { get; set; }

    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? CompletionTime { get; set; }

    [MaxItems(FieldLimits.MaxParetoMembers)]
    [Description("With spec.objectives: the non-dominated succeeded trials, best primary objective first (at most 20; paretoFrontSize counts all).")]
    public List<ParetoMember>? ParetoFront { get; set; }

    [Minimum(0)]
    [Description("How many trials are on the Pareto front.")]
    public int? ParetoFrontSize { get; set; }

    [Description("The pre-start check of spec.searchSpace.constraints: how many settings are ruled out before they run.")]
    public ConstraintStatus? Constraints { get; set; }

    [MaxItems(FieldLimits.MaxNotifyTargets * 3)]
    [Description("One entry per (spec.notify target, event) reached: delivery id, attempts, lastDelivered, lastError.")]
    public List<NotificationStatus>? Notifications { get; set; }

    [Description("What spec.warmStartFrom contributed: trials used, skipped and missing source jobs.")]
    public WarmStartStatus? WarmStart { get; set; }

    [Description("Human-readable summary of the current state.")]
    public string? Message { get; set; }
}
