using ClusterTune.Search.Internal;
using ClusterTune.Search.Sampling;

namespace ClusterTune.Search.Repeats;

/// <summary>
/// Keeps samplers from spending a trial on a setting already tried: a repeated suggestion is replaced by an untried
/// feasible one, drawn from the space's enumeration when it is finite (so exhaustion is exact) or by seeded random
/// draws otherwise. Stateless: the replacement depends only on the seed, the trial index and the settings tried.
/// </summary>
internal sealed class UntriedSettings
{
    /// <summary>Random redraws before a continuous space is declared out of untried settings (practically never).</summary>
    public const int Redraws = 256;

    private readonly SearchSpace _space;
    private readonly ulong _seed;
    // Enumerated only when a repeat must be replaced or exhaustion explained, never on the common path.
    private readonly Lazy<List<Dictionary<string, object>>?> _finite;

    public UntriedSettings(SearchSpace space, ulong seed)
    {
        _space = space;
        _seed = seed;
        _finite = new Lazy<List<Dictionary<string, object>>?>(() => Enumerate(space));
    }

    /// <summary>Every feasible setting of a finite space (null when a parameter is continuous or there are too many).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object>>? Finite => _finite.Value;

    /// <summary>
    /// <paramref name="suggested"/> when untried, else an untried feasible setting, else null (the space is exhausted).
    /// </summary>
    public IReadOnlyDictionary<string, object>? Resolve(int index, IReadOnlyDictionary<string, object>? suggested, ISet<string> tried)
    {
        if (suggested is not null && !tried.Contains(SearchSpace.Key(suggested)))
        {
            return suggested;
        }

        var rng = new Rng(_seed, (ulong)index, 0x52455045UL);
        if (_finite.Value is { } all)
        {
            var left = all.Where(p => !tried.Contains(SearchSpace.Key(p))).ToList();
            return left.Count == 0 ? null : left[rng.NextInt(left.Count)];
        }

        for (var t = 0; t < Redraws; t++)
        {
            var a = UnitAssignment.RandomFeasible(_space, rng);
            if (a is not null && !tried.Contains(SearchSpace.Key(a)))
            {
                return a;
            }
        }

        return null;
    }

    private static List<Dictionary<string, object>>? Enumerate(SearchSpace space)
    {
        var partial = new List<Dictionary<string, object>> { new(StringComparer.Ordinal) };
        foreach (var p in space.Parameters)
        {
            var values = Values(p);
            if (values is null || (long)partial.Count * Math.Max(1, values.Count) > GridSampler.MaxPoints)
            {
                return null;
            }

            var next = new List<Dictionary<string, object>>();
            foreach (var a in partial)
            {
                if (!space.IsActive(p, a))
                {
                    next.Add(a);
                    continue;
                }

                next.AddRange(values.Select(v => new Dictionary<string, object>(a, StringComparer.Ordinal) { [p.Name] = v }));
            }

            partial = next;
        }

        return partial.Where(space.IsFeasible).ToList();
    }

    /// <summary>All values of a discrete parameter (categorical, or a range with a step or of ints), null for a continuous one.</summary>
    private static List<object>? Values(ParameterSpec p)
    {
        if (p.Type == ParameterType.Categorical)
        {
            return [.. p.Values!];
        }

        var step = p.Step ?? (p.Type == ParameterType.Int ? 1 : 0);
        if (step <= 0)
        {
            return null;
        }

        var n = (long)Math.Floor(((p.Max!.Value - p.Min!.Value) / step) + 1e-9) + 1;
        if (n > GridSampler.MaxPoints)
        {
            return null;
        }

        var values = new List<object>();
        for (var k = 0L; k < n; k++)
        {
            var x = p.Min.Value + (k * step);
            values.Add(p.Type == ParameterType.Int ? (long)Math.Round(x) : x);
        }

        return values;
    }
}
