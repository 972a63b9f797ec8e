using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>What a trial runs: its parameters, how far to train now, where to resume from and how to retry.</summary>
public sealed class TrialSpec
{
    [RequiredField, Description("The owning FineTuneJob.")]
    public string JobName { get; set; } = "";

    [RequiredField, Minimum(0), Description("0-based position in the sweep; the name is <jobName>-<index>.")]
    public int Index { get; set; }

    [RequiredField, Description("The parameter assignment (JSON scalars), passed to the trainer as CT_PARAMS.")]
    public Dictionary<string, ParamValue> Params { get; set; } = [];

    [Minimum(1), Description("Train until this many epochs in total (the current rung's budget); the operator raises it on promotion.")]
    public int? Epochs { get; set; }

    [Minimum(0), Description("0-based rung of an asha/hyperband schedule the trial is running towards.")]
    public int? Rung { get; set; }

    [Minimum(0), Description("Hyperband bracket of the trial.")]
    public int? Bracket { get; set; }

    [Description("Checkpoint to resume from (CT_RESUME_FROM); set when a paused trial is promoted.")]
    public string? ResumeFrom { get; set; }

    [Description("Set by the operator to stop the trial early: SIGTERM, checkpoint, phase EarlyStopped.")]
    public bool? Stop { get; set; }

    [Minimum(0), Description("The trial's training seed (CT_SEED), derived from spec.algorithm.seed and the index: no two trials train identically.")]
    public int? Seed { get; set; }

    [Description("The latest PBT exploit (algorithm pbt): the next attempt resumes from the donor's checkpoint, copied into this trial's last/.")]
    public TrialExploit? Exploit { get; set; }

    [Description("Retry policy of this trial (copied from the job at creation).")]
    public RetryPolicy? RetryPolicy { get; set; }
}
