using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>
/// Every combination of grid values (categoricals all, ranges GridPoints evenly on their scale, conditional parameters
/// only under their activating parent values), shuffled by the seed; the next suggestion is the first point not yet
/// in the history or the batch, so the order survives restarts.
/// </summary>
internal sealed class GridSampler : ISampler
{
    /// <summary>Most points enumerated (the API's FieldLimits.MaxGridPoints refuses larger grids at admission).</summary>
    public const int MaxPoints = 100_000;
    private readonly List<Dictionary<string, object>> _points;

    public GridSampler(SearchSpace space, ulong seed, int gridPoints)
    {
        _points = Enumerate(space, Math.Max(2, gridPoints)).Where(space.IsFeasible).ToList();
        var rng = new Rng(seed, 0x47524944UL);
        for (var i = _points.Count - 1; i > 0; i--)
        {
            var j = (int)(rng.NextULong() % (ulong)(i + 1));
            (_points[i], _points[j]) = (_points[j], _points[i]);
        }
    }

    public int Count => _points.Count;

    public IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch)
    {
        var used = new HashSet<string>(history.Select(t => SearchSpace.Key(t.Record.Params)).Concat(batch.Select(SearchSpace.Key)), StringComparer.Ordinal);
        return _points.FirstOrDefault(p => !used.Contains(SearchSpace.Key(p)));
    }

    /// <summary>The grid values of one parameter.</summary>
    public static IReadOnlyList<object> Values(ParameterSpec p, int gridPoints)
    {
        if (p.Type == ParameterType.Categorical)
        {
            return p.Values!;
        }

        var step = p.Step ?? (p.Type == ParameterType.Int ? 1 : 0);
        if (step > 0 && p.Scale == ParameterScale.Linear)
        {
            var n = (long)Math.Floor(((p.Max!.Value - p.Min!.Value) / step) + 1e-9) + 1;
            if (n <= gridPoints)
            {
                return Enumerable.Range(0, (int)n).Select(k => SearchSpace.FromUnit(p, n == 1 ? 0 : k / (double)(n - 1))).ToList();
            }
        }

        var vals = new List<object>();
        for (var k = 0; k < gridPoints; k++)
        {
            var v = SearchSpace.FromUnit(p, gridPoints == 1 ? 0.5 : k / (double)(gridPoints - 1));
            if (!vals.Any(x => SearchSpace.ValuesEqual(x, v)))
            {
                vals.Add(v);
            }
        }

        return vals;
    }

    private static List<Dictionary<string, object>> Enumerate(SearchSpace space, int gridPoints)
    {
        var partial = new List<Dictionary<string, object>> { new(StringComparer.Ordinal) };
        foreach (var p in space.Parameters)
        {
            var vals = Values(p, gridPoints);
            // Checked before the product is built: the list itself is what exhausts memory.
            if ((long)partial.Count * Math.Max(1, vals.Count) > MaxPoints)
            {
                throw new SearchSpaceException([new SearchSpaceError(p.Name, $"the grid exceeds {MaxPoints} points at this parameter; list fewer values, use a larger step, or use random, sobol or tpe")]);
            }

            var next = new List<Dictionary<string, object>>();
            foreach (var a in partial)
            {
                if (!space.IsActive(p, a))
                {
                    next.Add(a);
                    continue;
                }

                foreach (var v in vals)
                {
                    next.Add(new Dictionary<string, object>(a, StringComparer.Ordinal) { [p.Name] = v });
                }
            }

            partial = next;
        }

        return partial;
    }
}
