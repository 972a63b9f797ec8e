using System.Globalization;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// spec.warmStartFrom: turns the finished trials of earlier sweeps into history for this sweep's sampler and
/// early-stopping rules (<see cref="S.SweepConfig.Prior"/>). A trial is used only when its parameters fit this search
/// space (every active parameter set and within its range or values, no parameter this space lacks, the constraints
/// met) and its job optimised the same metric in the same direction; the others are counted with their reason. Pure.
/// </summary>
public static class WarmStartHistory
{
    /// <summary>The history and the status of the warm start (null status when spec.warmStartFrom is empty).</summary>
    public sealed record Result(IReadOnlyList<S.TrialRecord> Prior, WarmStartStatus? Status);

    /// <summary>Collects the usable trials of <paramref name="sources"/> for <paramref name="job"/>.</summary>
    public static Result Build(FineTuneJob job, EffectiveSpec spec, S.SearchSpace space, IReadOnlyList<WarmStartSource> sources)
    {
        if (spec.Spec.WarmStartFrom is not { Count: > 0 } names)
        {
            return new Result([], null);
        }

        var prior = new List<S.TrialRecord>();
        var missing = new List<string>();
        var notes = new List<string>();
        var skippedTotal = 0;
        foreach (var name in names)
        {
            var source = sources.FirstOrDefault(s => s.Name == name);
            if (name == job.Metadata.Name)
            {
                notes.Add($"{name}: is this job itself, ignored");
                continue;
            }

            if (source?.Job is not { } other)
            {
                missing.Add(name);
                notes.Add($"{name}: not found in namespace {job.Metadata.NamespaceProperty}");
                continue;
            }

            var finished = source.Trials.Where(t => t.Status?.Phase is TrialPhase.Succeeded or TrialPhase.EarlyStopped).OrderBy(t => t.Spec.Index).ToList();
            var theirs = FineTuneJobDefaults.Apply(other.Spec);
            if (theirs.Metric != spec.Metric || theirs.Direction != spec.Direction)
            {
                skippedTotal += finished.Count;
                notes.Add($"{name}: {finished.Count} skipped (it optimises {theirs.Metric} {Json(theirs.Direction)}, this job {spec.Metric} {Json(spec.Direction)})");
                continue;
            }

            var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
            var used = 0;
            foreach (var t in finished)
            {
                var record = SweepMapping.ToRecord(t);
                if (Misfit(space, record.Params) is { } why)
                {
                    reasons[why] = reasons.GetValueOrDefault(why) + 1;
                    continue;
                }

                used++;
                prior.Add(AsFinished(record, t, spec));
            }

            var skipped = reasons.Values.Sum();
            skippedTotal += skipped;
            notes.Add($"{name}: {used} used" + (skipped == 0 ? "" : $", {skipped} skipped ({string.Join("; ", reasons.Select(r => $"{r.Value} {r.Key}"))})"));
        }

        return new Result(prior, new WarmStartStatus
        {
            Trials = prior.Count,
            Skipped = skippedTotal,
            Missing = missing.Count > 0 ? missing : null,
            Message = string.Join("; ", notes),
        });
    }

    /// <summary>
    /// The WarmStarted condition for <paramref name="warm"/>, and a Warning event when the set of missing source jobs
    /// changed since <paramref name="previous"/> (a missing job does not stop the sweep: it runs without that history).
    /// </summary>
    public static List<V1Condition>? Report(Result warm, WarmStartStatus? previous, List<V1Condition>? conditions, long? generation, DateTimeOffset now, List<PlannedEvent> events)
    {
        if (warm.Status is not { } s)
        {
            return conditions?.Where(c => c.Type != ConditionTypes.WarmStarted).ToList();
        }

        var missing = s.Missing ?? [];
        if (missing.Count > 0 && !missing.SequenceEqual(previous?.Missing ?? []))
        {
            events.Add(new PlannedEvent(EventTypes.Warning, EventReasons.WarmStartSourceMissing,
                $"spec.warmStartFrom names {string.Join(", ", missing)}, which do(es) not exist in this namespace; the sweep continues without their trials"));
        }

        var condition = new V1Condition { Type = ConditionTypes.WarmStarted, ObservedGeneration = generation };
        if (missing.Count > 0)
        {
            (condition.Status, condition.Reason) = ("False", ConditionReasons.WarmStartSourceMissing);
            condition.Message = $"source job(s) not found: {string.Join(", ", missing)} (create them or remove them from spec.warmStartFrom); {s.Trials} trial(s) used from the others";
        }
        else
        {
            (condition.Status, condition.Reason) = ("True", ConditionReasons.WarmStartApplied);
            condition.Message = string.Create(CultureInfo.InvariantCulture, $"{s.Trials} earlier trial(s) seed the search, {s.Skipped} skipped");
        }

        return Conditions.Set(conditions, condition, now);
    }

    /// <summary>Why an assignment does not fit <paramref name="space"/>, or null when it does.</summary>
    internal static string? Misfit(S.SearchSpace space, IReadOnlyDictionary<string, object> assignment)
    {
        foreach (var name in assignment.Keys.Order(StringComparer.Ordinal))
        {
            if (space.Find(name) is null)
            {
                return $"set {name}, which this search space lacks";
            }
        }

        foreach (var p in space.Parameters)
        {
            var active = space.IsActive(p, assignment);
            if (!assignment.TryGetValue(p.Name, out var value))
            {
                if (active)
                {
                    return $"lack {p.Name}";
                }

                continue;
            }

            if (!active)
            {
                return $"set {p.Name} where its condition does not hold";
            }

            if (!Fits(p, value))
            {
                return $"have {p.Name} outside this search space";
            }
        }

        return space.IsFeasible(assignment) ? null : "violate this search space's constraints";
    }

    private static bool Fits(S.ParameterSpec p, object value)
    {
        if (p.Type == S.ParameterType.Categorical)
        {
            return (p.Values ?? []).Any(v => S.SearchSpace.ValuesEqual(v, value));
        }

        var x = value switch
        {
            long l => l,
            int i => i,
            double d => d,
            _ => double.NaN,
        };
        var tolerance = 1e-9 * Math.Max(1, Math.Abs(x));
        return double.IsFinite(x) && (p.Type != S.ParameterType.Int || value is long or int || Math.Abs(x - Math.Round(x)) < tolerance)
            && (p.Min is not { } min || x >= min - tolerance) && (p.Max is not { } max || x <= max + tolerance);
    }

    /// <summary>
    /// A source trial as finished history: Succeeded when it trained to this sweep's full resource, else EarlyStopped,
    /// so it informs the rungs it reached but is never a paused trial this sweep could promote.
    /// </summary>
    private static S.TrialRecord AsFinished(S.TrialRecord record, Trial t, EffectiveSpec spec)
    {
        var full = t.Status!.Phase == TrialPhase.Succeeded && (t.Spec.Epochs ?? spec.Epochs) >= spec.MaxResource;
        return record with { Status = full ? S.TrialStatus.Succeeded : S.TrialStatus.EarlyStopped };
    }

    private static string Json(ObjectiveDirection d) => d == ObjectiveDirection.Minimize ? "minimize" : "maximize";
}
