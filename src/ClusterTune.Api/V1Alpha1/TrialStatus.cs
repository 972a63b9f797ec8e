using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The observed state of a trial; the observation list is capped at <see cref="MaxObservations"/>.</summary>
public sealed class TrialStatus
{
    /// <summary>The cap of <see cref="Observations"/>: enough for every epoch of a short fine-tune and every rung of a long one.</summary>
    public const int MaxObservations = 64;

    public long? ObservedGeneration { get; set; }
    public TrialPhase? Phase { get; set; }

    /// <summary>Objective values by epoch (one per epoch or rung; oldest dropped first when over the cap).</summary>
    [MaxItems(MaxObservations)]
    public List<Observation>? Observations { get; set; }

    /// <summary>Pods created for this trial so far (1 after the first pod).</summary>
    [Minimum(0)]
    public int? Attempts { get; set; }

    /// <summary>The current (or last) pod: <c>ResourceNames.Pod(job, index, attempts)</c>.</summary>
    public string? PodName { get; set; }

    /// <summary>When the trial last reported a metric.</summary>
    public DateTimeOffset? LastHeartbeat { get; set; }

    /// <summary>Epochs completed.</summary>
    [Minimum(0)]
    public int? Epoch { get; set; }

    /// <summary>The trial's best checkpoint (what promotion copies).</summary>
    public string? CheckpointUri { get; set; }

    /// <summary>The trial's latest checkpoint (what a resume starts from).</summary>
    public string? LastCheckpointUri { get; set; }

    /// <summary>The final (or best so far) objective value; absent when NaN or not reported yet.</summary>
    public double? Objective { get; set; }

    /// <summary>Final metrics by name from the result (bounded by what the trainer reports).</summary>
    [MaxItems(32)]
    public Dictionary<string, double>? Metrics { get; set; }

    /// <summary>CamelCase reason of the phase, from <see cref="TrialReasons"/>.</summary>
    public string? Reason { get; set; }
    public string? Message { get; set; }

    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? CompletionTime { get; set; }

    /// <summary>GPU-seconds consumed by all attempts (GPUs × running seconds).</summary>
    [Minimum(0)]
    public double? GpuSeconds { get; set; }

    [Minimum(0)]
    public long? TrainableParameters { get; set; }

    [Minimum(0), Maximum(1)]
    public double? TrainableFraction { get; set; }
}
