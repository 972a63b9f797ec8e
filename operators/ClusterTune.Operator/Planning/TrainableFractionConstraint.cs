using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// spec.searchSpace.constraints.maxTrainableParamsFraction evaluated before a trial starts: for an architecture whose
/// shape is known (<see cref="ArchitectureShape.Find"/>) the trainable fraction of a setting is counted from its
/// freezeDepth, loraRank and loraTargets, so the samplers never propose a violating setting and the status says how
/// many settings were ruled out. Unknown architectures are left to the trainer (CT_MAX_TRAINABLE_PARAMS_FRACTION).
/// </summary>
public static class TrainableFractionConstraint
{
    /// <summary>Most (freezeDepth, loraRank, loraTargets) settings counted for the census.</summary>
    public const int MaxCensus = 100_000;

    /// <summary>The field this constraint reads, for error messages.</summary>
    public const string FieldPath = "spec.searchSpace.constraints.maxTrainableParamsFraction";

    private const string LoraTargetsName = "loraTargets";

    /// <summary>The feasibility predicate for the search space, or null when there is nothing to check before start.</summary>
    public static Func<IReadOnlyDictionary<string, object>, bool>? Predicate(FineTuneJobSpec spec)
    {
        if (spec.SearchSpace?.Constraints?.MaxTrainableParamsFraction is not { } limit || ArchitectureShape.Find(spec.Model.Architecture) is not { } shape)
        {
            return null;
        }

        return a => Fraction(shape, a) is not { } f || f <= limit;
    }

    /// <summary>The trainable fraction of an assignment, or null when its knobs are out of the architecture's range.</summary>
    public static double? Fraction(ArchitectureShape shape, IReadOnlyDictionary<string, object> assignment)
    {
        var depth = Int(assignment, KnobNames.FreezeDepth);
        var rank = Int(assignment, KnobNames.LoraRank);
        if (depth is null || rank is null)
        {
            return null;
        }

        var targets = assignment.TryGetValue(LoraTargetsName, out var t) && t is string s
            ? s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => x.ToLowerInvariant()).ToArray()
            : null;
        return shape.TrainableFraction(depth.Value, rank.Value, targets);
    }

    /// <summary>
    /// How many distinct (freezeDepth, loraRank, loraTargets) settings of the space violate the limit, for the status;
    /// null when there is no pre-start check, or the space has too many settings (or continuous knobs) to count.
    /// </summary>
    public static ConstraintStatus? Census(FineTuneJobSpec spec)
    {
        var limit = spec.SearchSpace?.Constraints?.MaxTrainableParamsFraction;
        if (limit is null)
        {
            return null;
        }

        var shape = ArchitectureShape.Find(spec.Model.Architecture);
        if (shape is null)
        {
            return new ConstraintStatus
            {
                CheckedBeforeStart = false,
                Message = $"maxTrainableParamsFraction {F(limit.Value)} is enforced by the trainer only: the operator cannot count the parameters of architecture '{spec.Model.Architecture ?? "(unset)"}' (known: {ArchitectureShape.ReferenceCnn.Name})",
            };
        }

        var space = SweepMapping.ToSearchSpace(FineTuneJobDefaults.Apply(spec));
        var axes = new[] { KnobNames.FreezeDepth, KnobNames.LoraRank, LoraTargetsName }
            .Select(n => (Name: n, Values: Values(space.Find(n))))
            .ToList();
        if (axes.Any(a => a.Values is null) || axes.Aggregate(1L, (n, a) => n * a.Values!.Count) > MaxCensus)
        {
            return new ConstraintStatus { CheckedBeforeStart = true, Message = $"settings above maxTrainableParamsFraction {F(limit.Value)} are skipped before they start" };
        }

        int total = 0, infeasible = 0;
        double? smallest = null;
        foreach (var setting in Product(axes))
        {
            total++;
            var f = Fraction(shape, setting);
            smallest = f is { } v && (smallest is null || v < smallest) ? v : smallest;
            if (f is { } g && g > limit)
            {
                infeasible++;
            }
        }

        return new ConstraintStatus
        {
            CheckedBeforeStart = true,
            Settings = total,
            InfeasibleSettings = infeasible,
            Message = infeasible == total
                ? $"all {total} (freezeDepth, loraRank, loraTargets) settings exceed maxTrainableParamsFraction {F(limit.Value)} (smallest fraction {F(smallest ?? 1)})"
                : $"{infeasible} of {total} (freezeDepth, loraRank, loraTargets) settings exceed maxTrainableParamsFraction {F(limit.Value)} and are never run",
        };
    }

    /// <summary>Every value a discrete knob can take, [null] when absent (the trainer's default), or null when continuous.</summary>
    private static List<object?>? Values(S.ParameterSpec? p)
    {
        if (p is null)
        {
            return [null];
        }

        if (p.Type == S.ParameterType.Categorical)
        {
            return [.. p.Values!];
        }

        if (p.Type != S.ParameterType.Int || p.Max - p.Min > MaxCensus)
        {
            return null;
        }

        var step = (long)Math.Max(1, p.Step ?? 1);
        var values = new List<object?>();
        for (var v = (long)p.Min!.Value; v <= (long)p.Max!.Value; v += step)
        {
            values.Add(v);
        }

        return values;
    }

    private static IEnumerable<Dictionary<string, object>> Product(List<(string Name, List<object?>? Values)> axes)
    {
        IEnumerable<Dictionary<string, object>> acc = [new Dictionary<string, object>(StringComparer.Ordinal)];
        foreach (var (name, values) in axes)
        {
            acc = acc.SelectMany(a => values!.Select(v =>
            {
                var d = new Dictionary<string, object>(a, StringComparer.Ordinal);
                if (v is not null)
                {
                    d[name] = v;
                }

                return d;
            })).ToList();
        }

        return acc;
    }

    private static int? Int(IReadOnlyDictionary<string, object> a, string name)
    {
        if (!a.TryGetValue(name, out var v))
        {
            return 0;
        }

        return v switch
        {
            long l when l is >= 0 and <= int.MaxValue => (int)l,
            int i => i,
            double d when d == Math.Floor(d) && d is >= 0 and <= int.MaxValue => (int)d,
            string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
            _ => null,
        };
    }

    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
