using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// What one reconcile of a FineTuneJob should do: the status to write, Trials to create, Trial specs to change,
/// Events to record, and whether the best checkpoint should now be promoted and the others pruned. <paramref name="Spec"/>
/// is the job's spec with defaults applied, for the reconciler's own use of it.
/// </summary>
public sealed record JobPlan(
    EffectiveSpec Spec,
    FineTuneJobStatus Status,
    IReadOnlyList<Trial> TrialsToCreate,
    IReadOnlyList<TrialSpecChange> TrialChanges,
    IReadOnlyList<PlannedEvent> Events,
    bool PromoteBest)
{
    /// <summary>When the job should be reconciled again even if nothing changes (budget clocks, deadlines).</summary>
    public TimeSpan? RequeueAfter { get; init; }
}
