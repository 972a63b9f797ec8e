using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// What one reconcile of a Trial should do. Order of acting: create the pod (409 = already there), delete a pod,
/// then write the status, so a crash between two writes repeats the first harmlessly.
/// </summary>
/// <param name="Status">The status to write now, or null when it would not change (or only mirrors the pod and is not due: see <see cref="Progress"/>).</param>
/// <param name="CreatePodAttempt">Create the pod of this attempt number (1-based), or null.</param>
/// <param name="DeletePod">Delete this pod (gracefully: SIGTERM, checkpoint), or null.</param>
/// <param name="ForceDelete">Delete with grace period 0 (a pod stuck Terminating).</param>
/// <param name="Events">Events to record on the trial.</param>
/// <param name="RequeueAfter">Look again after this long even without an event (deadlines, heartbeats).</param>
public sealed record TrialPlan(
    TrialStatus? Status,
    int? CreatePodAttempt,
    string? DeletePod,
    bool ForceDelete,
    IReadOnlyList<PlannedEvent> Events,
    TimeSpan? RequeueAfter)
{
    /// <summary>
    /// A status that only mirrors the pod (Pending, Running) and is not due yet: not written alone, but carried by the
    /// next write of the trial (its observations' flush, or its end) and the pod it creates. Null when there is none.
    /// </summary>
    public TrialStatus? Progress { get; init; }
}
