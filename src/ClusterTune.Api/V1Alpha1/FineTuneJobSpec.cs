using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The desired sweep: what to fine-tune, on what, how to search, and within which budget.</summary>
public sealed class FineTuneJobSpec
{
    [RequiredField, Description("The pretrained checkpoint every trial starts from.")]
    public ModelSpec Model { get; set; } = new();

    [RequiredField, Description("The fine-tuning data.")]
    public DatasetSpec Dataset { get; set; } = new();

    [RequiredField, Description("The trial pod template: image, resources, scheduling and training length.")]
    public TrainerSpec Trainer { get; set; } = new();

    [Description("The parameters to search; freezeDepth, lrFactor and loraRank get default ranges when absent.")]
    public SearchSpace? SearchSpace { get; set; }

    [Description("The metric to optimise (default: accuracy, maximize). With objectives, it defaults to objectives[0].")]
    public ObjectiveSpec? Objective { get; set; }

    [MaxItems(FieldLimits.MaxObjectives)]
    [Description("Several objectives {metric, direction}: status.paretoFront lists the non-dominated trials. The first is the primary objective, which the sampler (TPE), early stopping (median, asha, hyperband), the target and bestTrial use. Besides the trainer's metrics, trainableFraction, trainableParameters and gpuHours name the trial's own status values.")]
    public List<ObjectiveSpec>? Objectives { get; set; }

    [Description("The search algorithm (default: random, seed 0).")]
    public AlgorithmSpec? Algorithm { get; set; }

    [Description("Early stopping of weak trials (default: none).")]
    public EarlyStoppingSpec? EarlyStopping { get; set; }

    [Description("Limits on trials, parallelism, time and GPU-hours.")]
    public BudgetSpec? Budget { get; set; }

    [Description("Where checkpoints go, how many are kept and where the best is promoted.")]
    public CheckpointSpec? Checkpoints { get; set; }

    [Description("Retries of trials that fail for infrastructure reasons.")]
    public RetryPolicy? RetryPolicy { get; set; }

    [MaxItems(FieldLimits.MaxNotifyTargets)]
    [Description("Webhooks told when the sweep reaches a state: [{url, on: [Succeeded, Failed, BudgetExhausted], secretRef}]. Delivered at least once with retries and backoff; status.notifications records each delivery.")]
    public List<NotifySpec>? Notify { get; set; }

    [MaxItems(FieldLimits.MaxWarmStartSources)]
    [Description("FineTuneJobs in this namespace whose finished trials seed the sampler (TPE) and the early-stopping history (asha, median); trials whose parameters do not fit this search space are skipped (status.warmStart). A missing job is reported and the sweep starts without it.")]
    public List<string>? WarmStartFrom { get; set; }

    [Description("When true no new trials start and running trials checkpoint and stop (phase Paused, reason Suspended); set back to false and they resume from their checkpoints. Unset on a job labelled kueue.x-k8s.io/queue-name means true: the job waits for Kueue to admit it.")]
    public bool? Suspend { get; set; }

    [MaxLength(JobControl.MaxManagedByLength), Pattern(JobControl.ManagedByPattern)]
    [TransitionRule("self == oldSelf", "spec.managedBy is immutable")]
    [Description("The controller that reconciles this job: absent or clustertune.io/operator means ClusterTune's operator; any other value (e.g. kueue.x-k8s.io/multikueue) means the operator leaves the job alone (no trials, pods or status writes). Immutable.")]
    public string? ManagedBy { get; set; }
}
