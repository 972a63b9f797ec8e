using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The sweep's limits; the first one reached ends the sweep (condition BudgetExhausted).</summary>
public sealed class BudgetSpec
{
    internal const string GoDurationPattern = @"^(0|([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+)$";

    [Minimum(1), Description("Trials to create at most (default 12).")]
    public int? MaxTrials { get; set; }

    [Minimum(1), Maximum(FieldLimits.MaxParallelism), Description("Trials running at once (default 2, at most 256); may be edited while the sweep runs.")]
    public int? Parallelism { get; set; }

    [Minimum(0), Description("Failed trials (after retries) that fail the sweep (default 3).")]
    public int? MaxFailedTrials { get; set; }

    [MaxLength(FieldLimits.Duration), Pattern(GoDurationPattern), Description("Wall-clock limit of the sweep as a Go duration, e.g. 2h or 90m (default none).")]
    public string? MaxDuration { get; set; }

    [Minimum(0, Exclusive = true), Description("GPU-hours the sweep may consume (default none); status.gpuHoursRemaining burns down.")]
    public double? MaxGpuHours { get; set; }

    [MaxLength(FieldLimits.Duration), Pattern(GoDurationPattern), Description("Wall-clock limit of one trial attempt, e.g. 30m (default none).")]
    public string? TrialDeadline { get; set; }

    [Minimum(1), Description("End the sweep when this many consecutive finished trials did not improve the best (default none).")]
    public int? NotImprovingTrials { get; set; }
}
