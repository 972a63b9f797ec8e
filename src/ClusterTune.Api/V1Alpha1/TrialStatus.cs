using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The observed state of a trial; the observation list is capped at <see cref="MaxObservations"/>.</summary>
public sealed class TrialStatus
{
    /// <summary>The cap of <see cref="Observations"/>: enough for every epoch of a short fine-tune and every rung of a long one.</summary>
    public const int MaxObservations = 64;

    /// <summary>The cap of <see cref="Lineage"/>.</summary>
    public const int MaxLineage = 32;

    [Description("metadata.generation of the spec this status describes.")]
    public long? ObservedGeneration { get; set; }

    [Description("Pending, Running, Paused (at a rung or while the job is suspended, checkpoint saved), Succeeded, Failed or EarlyStopped.")]
    public TrialPhase? Phase { get; set; }

    [MaxItems(MaxObservations)]
    [Description("Objective values by epoch (one per epoch or rung; oldest dropped first when over the cap).")]
    public List<Observation>? Observations { get; set; }

    [Minimum(0)]
    [Description("Pods created for this trial so far (1 after the first pod).")]
    public int? Attempts { get; set; }

    [Minimum(0)]
    [Description("Attempts stopped because the job was suspended; they do not count against retryPolicy.maxAttempts.")]
    public int? Suspensions { get; set; }

    [Description("The current (or last) pod, named <job>-<index>-<attempt>.")]
    public string? PodName { get; set; }

    [Description("When the trial last reported a metric.")]
    public DateTimeOffset? LastHeartbeat { get; set; }

    [Minimum(0)]
    [Description("Epochs completed.")]
    public int? Epoch { get; set; }

    [Description("The trial's best checkpoint (what promotion copies).")]
    public string? CheckpointUri { get; set; }

    [Description("The trial's latest checkpoint (what a resume starts from).")]
    public string? LastCheckpointUri { get; set; }

    [Description("The final (or best so far) objective value; absent when NaN or not reported yet.")]
    public double? Objective { get; set; }

    [MaxItems(32)]
    [Description("Final metrics by name from the result (bounded by what the trainer reports).")]
    public Dictionary<string, double>? Metrics { get; set; }

    [Description("Why the stored curve is incomplete: the epochs with no objective value (absent when every epoch has one).")]
    public string? CurveGaps { get; set; }

    [Description("CamelCase reason of the phase, from TrialReasons.")]
    public string? Reason { get; set; }
    [Description("Human-readable detail of the reason.")]
    public string? Message { get; set; }

    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? CompletionTime { get; set; }

    [Minimum(0)]
    [Description("GPU-seconds consumed by all attempts (GPUs × running seconds).")]
    public double? GpuSeconds { get; set; }

    [Minimum(0)]
    [Description("The seed the current (or last) attempt was started with (CT_SEED).")]
    public int? Seed { get; set; }

    [MaxItems(MaxLineage)]
    [Description("PBT lineage: each exploit this trial made (donor, epoch, parameters it continued with), oldest first.")]
    public List<TrialExploit>? Lineage { get; set; }

    [Minimum(0)]
    public long? TrainableParameters { get; set; }

    [Minimum(0), Maximum(1)]
    public double? TrainableFraction { get; set; }
}
