using ClusterTune.Api.V1Alpha1;
using static ClusterTune.Operator.Planning.ApiCopy;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// What spec.suspend means for a trial that has a pod (Kueue's contract: a suspended workload runs no pods): the pod
/// is SIGTERMed so the trainer checkpoints and exits, the trial waits Paused (reason Suspended) with that checkpoint,
/// and on unsuspend a new attempt resumes from it. Suspended attempts do not use the retry allowance.
/// </summary>
public static class TrialSuspension
{
    /// <summary>The status reason and message of a running trial whose pod is being stopped by a suspension.</summary>
    public static (string Reason, string Message) Stopping(string pod, int epoch) =>
        (TrialReasons.Suspended, $"the job is suspended: pod {pod} checkpoints and stops (after epoch {epoch} so far); the trial resumes when spec.suspend is false");

    /// <summary>Whether an attempt that ended after a suspension SIGTERM pauses (a checkpoint to resume from) rather than ends.</summary>
    public static bool Pauses(TrialStatus old, PodOutcome outcome, int epoch, int budget) =>
        old.Reason == TrialReasons.Suspended && epoch < budget
        && (outcome.State == PodOutcomeState.Succeeded || outcome.ExitCode is null or PodOutcome.StoppedExitCode);

    /// <summary>The paused status of a trial whose attempt the suspension ended.</summary>
    public static TrialStatus Paused(TrialStatus s, int epoch) => With(s, x =>
    {
        x.Phase = TrialPhase.Paused;
        x.Reason = TrialReasons.Suspended;
        x.Suspensions = (x.Suspensions ?? 0) + 1;
        x.Message = $"paused after {epoch} epochs because the job is suspended; resumes from {x.LastCheckpointUri ?? "epoch 0 (no checkpoint yet)"} when spec.suspend is false";
    });

    /// <summary>Attempts the trial may use: the job's allowance plus one per suspension (each resume is a new pod).</summary>
    public static int AllowedAttempts(EffectiveSpec spec, Trial trial, TrialStatus s) => spec.AllowedAttempts(trial.Spec) + (s.Suspensions ?? 0);
}
