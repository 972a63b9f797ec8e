using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>Picks the best trial: Succeeded (trained to its full budget), finite objective, ties to the lowest index.</summary>
public static class BestTrialSelector
{
    /// <summary>The trials that can be the best, best first (the ranking top-k retention keeps).</summary>
    public static IReadOnlyList<Trial> Rank(IEnumerable<Trial> trials, ObjectiveDirection direction) =>
        trials.Where(t => t.Status is { Phase: TrialPhase.Succeeded, Objective: { } o } && double.IsFinite(o))
            .OrderBy(t => direction == ObjectiveDirection.Minimize ? t.Status!.Objective!.Value : -t.Status!.Objective!.Value)
            .ThenBy(t => t.Spec.Index)
            .ToList();

    /// <summary>The best trial, or null when none succeeded with a finite objective.</summary>
    public static Trial? Select(IEnumerable<Trial> trials, ObjectiveDirection direction) => Rank(trials, direction) is [var best, ..] ? best : null;

    /// <summary>
    /// The trial a defaulted spec reports and promotes: <see cref="Select"/>, or with algorithm.seedsPerConfig &gt; 1 the
    /// best seed of the setting with the best mean (<see cref="SeedGroups"/>); the summary is null without seeds.
    /// </summary>
    public static (Trial? Best, SeedGroups.Summary? Seeds) Choose(IReadOnlyList<Trial> trials, FineTuneJobSpec spec)
    {
        var direction = spec.Objective!.Direction!.Value;
        var seeds = spec.Algorithm?.SeedsPerConfig is > 1 ? SeedGroups.Best(trials, direction) : null;
        return (seeds?.Best ?? Select(trials, direction), seeds);
    }
}
