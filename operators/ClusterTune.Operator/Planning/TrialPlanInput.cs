using ClusterTune.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>Everything <see cref="TrialPlanner.Plan"/> decides from.</summary>
/// <param name="Trial">The Trial as read.</param>
/// <param name="Spec">The owning job's spec with defaults applied.</param>
/// <param name="JobEnded">The job is Complete or Failed: nothing new starts, running attempts stop.</param>
/// <param name="JobSuspended">spec.suspend: no new pod starts.</param>
/// <param name="Pods">The pods the trial owns (any order; the current one is status.podName).</param>
/// <param name="Now">The current time (injected).</param>
/// <param name="StuckTerminatingTimeout">How long a deleted pod may stay Terminating before it is force-deleted and retried.</param>
/// <param name="UnschedulableTimeout">How long a pod may stay unschedulable before the trial fails with reason Unschedulable.</param>
/// <param name="FindCheckpoint">The newest verified checkpoint of the trial on the checkpoint volume (asked only when a
/// retry has none recorded), or null.</param>
public sealed record TrialPlanInput(
    Trial Trial,
    EffectiveSpec Spec,
    bool JobEnded,
    bool JobSuspended,
    IReadOnlyList<V1Pod> Pods,
    DateTimeOffset Now,
    TimeSpan StuckTerminatingTimeout,
    TimeSpan UnschedulableTimeout,
    Func<string?>? FindCheckpoint = null)
{
    /// <summary>
    /// How long a status that only mirrors the pod (the first attempt's Pending, any attempt's Running) waits for another
    /// write to carry it before it is written alone: progress, not a decision (zero: written at once).
    /// </summary>
    public TimeSpan ProgressInterval { get; init; }

    /// <summary>
    /// When the trial's last metric point arrived, as the job grain holds it: newer than status.lastHeartbeat, which is
    /// written only every <see cref="Ingestion.ObservationFlusher.HeartbeatRefresh"/>. The stuck-trial check counts
    /// silence from the later of the two (null: the status alone, e.g. right after the grain moved to another silo).
    /// </summary>
    public DateTimeOffset? LastPoint { get; init; }

    /// <summary>The input with the default unschedulable timeout (10 min).</summary>
    public TrialPlanInput(Trial trial, EffectiveSpec spec, bool jobEnded, bool jobSuspended, IReadOnlyList<V1Pod> pods, DateTimeOffset now, TimeSpan stuckTerminatingTimeout,
        Func<string?>? findCheckpoint = null)
        : this(trial, spec, jobEnded, jobSuspended, pods, now, stuckTerminatingTimeout, PodScheduling.DefaultTimeout, findCheckpoint)
    {
    }
}
