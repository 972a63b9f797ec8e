using System.Globalization;

namespace ClusterTune.Search;

/// <summary>
/// A validated search space: parameters in dependency order (a condition's parent before its child) and an optional
/// caller-supplied constraint (e.g. trainable-parameter fraction ≤ x) that every suggested assignment satisfies.
/// </summary>
public sealed class SearchSpace
{
    private readonly Dictionary<string, ParameterSpec> _byName;

    private SearchSpace(IReadOnlyList<ParameterSpec> ordered, Func<IReadOnlyDictionary<string, object>, bool>? constraint)
    {
        Parameters = ordered;
        Constraint = constraint;
        _byName = ordered.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>Parameters, parents before the parameters conditional on them.</summary>
    public IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The caller's feasibility predicate over an assignment of active parameters, or null.</summary>
    public Func<IReadOnlyDictionary<string, object>, bool>? Constraint { get; }

    /// <summary>Validates and builds a space; throws <see cref="SearchSpaceException"/> naming every faulty parameter.</summary>
    public static SearchSpace Create(IEnumerable<ParameterSpec> parameters, Func<IReadOnlyDictionary<string, object>, bool>? constraint = null)
    {
        var list = parameters.ToList();
        var errors = Validate(list);
        if (errors.Count > 0)
        {
            throw new SearchSpaceException(errors);
        }

        var normalized = list.Select(Normalize).ToList();
        return new SearchSpace(TopologicalOrder(normalized), constraint);
    }

    /// <summary>Every problem of the given parameters (empty when valid).</summary>
    public static IReadOnlyList<SearchSpaceError> Validate(IReadOnlyList<ParameterSpec> parameters)
    {
        var errors = new List<SearchSpaceError>();
        if (parameters.Count == 0)
        {
            errors.Add(new SearchSpaceError("(none)", "the search space has no parameters; add at least one"));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            var name = string.IsNullOrWhiteSpace(p.Name) ? "(unnamed)" : p.Name;
            if (string.IsNullOrWhiteSpace(p.Name))
            {
                errors.Add(new SearchSpaceError(name, "a parameter has no name; give it one"));
            }
            else if (!names.Add(p.Name))
            {
                errors.Add(new SearchSpaceError(name, "is declared twice; keep one declaration"));
            }

            ValidateOne(p, name, errors);
        }

        var all = parameters.Where(p => !string.IsNullOrWhiteSpace(p.Name)).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var p in all.Values.Where(p => p.Condition is not null))
        {
            var c = p.Condition!;
            if (!all.TryGetValue(c.Parameter, out var parent))
            {
                errors.Add(new SearchSpaceError(p.Name, $"condition refers to unknown parameter '{c.Parameter}'; use one of: {string.Join(", ", all.Keys)}"));
            }
            else if (c.Values is null || c.Values.Count == 0)
            {
                errors.Add(new SearchSpaceError(p.Name, $"condition on '{c.Parameter}' lists no values; list the values that activate it"));
            }
            else if (parent.Type == ParameterType.Categorical && parent.Values is not null &&
                     c.Values.FirstOrDefault(v => !parent.Values.Any(pv => ValuesEqual(pv, v))) is { } unknown)
            {
                errors.Add(new SearchSpaceError(p.Name, $"condition value '{Format(unknown)}' is not a value of '{c.Parameter}'; use one of: {string.Join(", ", parent.Values.Select(Format))}"));
            }
        }

        if (errors.Count == 0)
        {
            var cyc = FindCycle(all);
            if (cyc is not null)
            {
                errors.Add(new SearchSpaceError(cyc, "conditions form a cycle through this parameter; remove one condition"));
            }
        }

        return errors;
    }

    /// <summary>The parameter named <paramref name="name"/>, or null.</summary>
    public ParameterSpec? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Whether a parameter is active under an assignment (its condition's parent is active and matches).</summary>
    public bool IsActive(ParameterSpec p, IReadOnlyDictionary<string, object> assignment)
    {
        if (p.Condition is not { } c)
        {
            return true;
        }

        var parent = _byName[c.Parameter];
        return IsActive(parent, assignment) && assignment.TryGetValue(c.Parameter, out var v) && c.Values.Any(x => ValuesEqual(x, v));
    }

    /// <summary>True when the assignment satisfies the caller's constraint (or there is none).</summary>
    public bool IsFeasible(IReadOnlyDictionary<string, object> assignment) => Constraint is null || Constraint(assignment);

    /// <summary>Numeric or string equality where 3, 3L and 3.0 are the same value (and "3" is not).</summary>
    public static bool ValuesEqual(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        var an = TryNumber(a, out var x);
        var bn = TryNumber(b, out var y);
        if (an || bn)
        {
            return an && bn && x.Equals(y);
        }

        return string.Equals(Format(a), Format(b), StringComparison.Ordinal);
    }

    /// <summary>A canonical, culture-independent text for an assignment (used to recognise a grid point already tried).</summary>
    public static string Key(IReadOnlyDictionary<string, object> assignment) =>
        string.Join(";", assignment.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Format(kv.Value)));

    internal static string Format(object v) => TryNumber(v, out var d) ? d.ToString("R", CultureInfo.InvariantCulture) : v.ToString() ?? "";

    internal static bool TryNumber(object v, out double d)
    {
        switch (v)
        {
            case double x:
                d = x;
                return true;
            case float x:
                d = x;
                return true;
            case long x:
                d = x;
                return true;
            case int x:
                d = x;
                return true;
            case short x:
                d = x;
                return true;
            case decimal x:
                d = (double)x;
                return true;
            default:
                d = double.NaN;
                return false;
        }
    }

    /// <summary>Maps a numeric value to [0, 1] along the parameter's scale.</summary>
    internal static double ToUnit(ParameterSpec p, double x)
    {
        double lo = p.Min!.Value, hi = p.Max!.Value;
        if (hi <= lo)
        {
            return 0.5;
        }

        var u = p.Scale == ParameterScale.Log ? (Math.Log(x) - Math.Log(lo)) / (Math.Log(hi) - Math.Log(lo)) : (x - lo) / (hi - lo);
        return Math.Clamp(u, 0, 1);
    }

    /// <summary>Maps u in [0, 1] to a value of the parameter: rounded to its step, long for ints, double for floats.</summary>
    internal static object FromUnit(ParameterSpec p, double u)
    {
        double lo = p.Min!.Value, hi = p.Max!.Value;
        u = Math.Clamp(u, 0, 1);
        var x = p.Scale == ParameterScale.Log ? Math.Exp(Math.Log(lo) + (u * (Math.Log(hi) - Math.Log(lo)))) : lo + (u * (hi - lo));
        var step = p.Step ?? (p.Type == ParameterType.Int ? 1 : 0);
        if (step > 0)
        {
            var k = Math.Round((x - lo) / step, MidpointRounding.AwayFromZero);
            var maxK = Math.Floor(((hi - lo) / step) + 1e-9);
            x = lo + (Math.Clamp(k, 0, maxK) * step);
        }

        x = Math.Clamp(x, lo, hi);
        return p.Type == ParameterType.Int ? (object)(long)Math.Round(x) : x;
    }

    private static void ValidateOne(ParameterSpec p, string name, List<SearchSpaceError> errors)
    {
        if (p.Type == ParameterType.Categorical)
        {
            if (p.Values is null || p.Values.Count == 0)
            {
                errors.Add(new SearchSpaceError(name, "categorical parameter has no values; list at least one value"));
                return;
            }

            if (p.Values.Any(v => v is null || (!TryNumber(v, out _) && v is not string && v is not bool)))
            {
                errors.Add(new SearchSpaceError(name, "categorical values must be numbers or strings; remove the others"));
            }
            else if (p.Values.Any(v => TryNumber(v, out var d) && !double.IsFinite(d)))
            {
                errors.Add(new SearchSpaceError(name, "categorical values must be finite numbers; remove NaN or infinity"));
            }

            for (var i = 0; i < p.Values.Count; i++)
            {
                for (var j = i + 1; j < p.Values.Count; j++)
                {
                    if (ValuesEqual(p.Values[i], p.Values[j]))
                    {
                        errors.Add(new SearchSpaceError(name, $"categorical value '{Format(p.Values[i]!)}' is listed twice; list each once"));
                        return;
                    }
                }
            }

            return;
        }

        if (p.Min is not { } lo || p.Max is not { } hi)
        {
            errors.Add(new SearchSpaceError(name, "numeric range needs both min and max; set them"));
            return;
        }

        if (!double.IsFinite(lo) || !double.IsFinite(hi))
        {
            errors.Add(new SearchSpaceError(name, "min and max must be finite numbers"));
            return;
        }

        if (hi < lo)
        {
            errors.Add(new SearchSpaceError(name, $"empty range: min {Format(lo)} > max {Format(hi)}; swap them or widen the range"));
            return;
        }

        if (p.Type == ParameterType.Int && (lo != Math.Floor(lo) || hi != Math.Floor(hi)))
        {
            errors.Add(new SearchSpaceError(name, "int range bounds must be whole numbers; round min and max or use type float"));
        }

        if (p.Scale == ParameterScale.Log && lo <= 0)
        {
            errors.Add(new SearchSpaceError(name, $"log scale needs min > 0 (got {Format(lo)}); raise min or use linear scale"));
        }

        if (p.Step is { } step)
        {
            if (!(step > 0) || !double.IsFinite(step))
            {
                errors.Add(new SearchSpaceError(name, $"step must be > 0 (got {Format(step)}); set a positive step or omit it"));
            }
            else if (p.Type == ParameterType.Int && step != Math.Floor(step))
            {
                errors.Add(new SearchSpaceError(name, "int step must be a whole number; round it"));
            }
            else if (step > hi - lo && hi > lo)
            {
                errors.Add(new SearchSpaceError(name, $"step {Format(step)} is larger than the range {Format(lo)}..{Format(hi)}; shrink the step"));
            }
        }
    }

    private static ParameterSpec Normalize(ParameterSpec p) => p.Values is null
        ? p
        : p with { Values = p.Values.Select(v => v is int or short ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : v is float f ? (double)f : v is bool b ? (b ? "true" : "false") : v).ToList() };

    private static string? FindCycle(Dictionary<string, ParameterSpec> all)
    {
        foreach (var start in all.Values.Where(p => p.Condition is not null))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { start.Name };
            var cur = start;
            while (cur.Condition is { } c && all.TryGetValue(c.Parameter, out var parent))
            {
                if (!seen.Add(parent.Name))
                {
                    return start.Name;
                }

                cur = parent;
            }
        }

        return null;
    }

    private static List<ParameterSpec> TopologicalOrder(List<ParameterSpec> ps)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<ParameterSpec>();
        while (ordered.Count < ps.Count)
        {
            foreach (var p in ps)
            {
                if (!done.Contains(p.Name) && (p.Condition is null || done.Contains(p.Condition.Parameter)))
                {
                    done.Add(p.Name);
                    ordered.Add(p);
                }
            }
        }

        return ordered;
    }
}
