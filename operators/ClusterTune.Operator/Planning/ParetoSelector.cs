using ClusterTune.Api.V1Alpha1;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// spec.objectives: the Pareto front of the succeeded trials (ClusterTune.Search.ParetoFront over each objective's
/// value and direction), best primary objective first. A trial lacking a finite value for any objective is not a
/// candidate. Pure.
/// </summary>
public static class ParetoSelector
{
    /// <summary>The front (every member) for a defaulted spec with two or more objectives; null otherwise.</summary>
    public static IReadOnlyList<ParetoMember>? Front(IEnumerable<Trial> trials, FineTuneJobSpec spec)
    {
        if (spec.Objectives is not { Count: > 1 } objectives)
        {
            return null;
        }

        var candidates = trials
            .Where(t => t.Status?.Phase == TrialPhase.Succeeded)
            .Select(t => (Trial: t, Values: objectives.Select((o, i) => i == 0 ? t.Status!.Objective : Value(t, o.Metric!)).ToList()))
            .Where(x => x.Values.All(v => v is { } d && double.IsFinite(d)))
            .OrderBy(x => x.Trial.Spec.Index)
            .ToList();
        var directions = objectives.Select(o => o.Direction == ObjectiveDirection.Minimize ? S.ObjectiveDirection.Minimize : S.ObjectiveDirection.Maximize).ToList();
        var front = S.ParetoFront.NonDominated(candidates.Select(x => (IReadOnlyList<double>)x.Values.Select(v => v!.Value).ToList()).ToList(), directions);
        var sign = directions[0] == S.ObjectiveDirection.Minimize ? 1.0 : -1.0;
        return front.Select(i => candidates[i])
            .OrderBy(x => sign * x.Values[0]!.Value).ThenBy(x => x.Trial.Spec.Index)
            .Select(x => new ParetoMember
            {
                Name = x.Trial.Metadata.Name!,
                Index = x.Trial.Spec.Index,
                Values = objectives.Select((o, i) => (o.Metric!, x.Values[i]!.Value)).ToDictionary(p => p.Item1, p => p.Item2),
            })
            .ToList();
    }

    /// <summary>
    /// A secondary objective's value: the trial's status value for ObjectiveSpec.StatusMetrics, else the metric of its final
    /// result. (The primary objective's value is the trial's objective: its best epoch, as bestTrial ranks it.)
    /// </summary>
    public static double? Value(Trial trial, string metric)
    {
        var s = trial.Status;
        return metric switch
        {
            ObjectiveSpec.TrainableFraction => s?.TrainableFraction,
            ObjectiveSpec.TrainableParameters => s?.TrainableParameters,
            ObjectiveSpec.GpuHours => s?.GpuSeconds is { } g ? g / 3600 : null,
            _ => s?.Metrics is { } m && m.TryGetValue(metric, out var v) ? v : null,
        };
    }
}
