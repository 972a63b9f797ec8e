using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>Turns per-parameter unit coordinates into an assignment of active parameters, parents first.</summary>
internal static class UnitAssignment
{
    /// <summary>u[i] in [0,1) for Parameters[i]; categorical values pick floor(u·n). Inactive parameters are left out.</summary>
    public static Dictionary<string, object> Decode(SearchSpace space, Func<int, double> u)
    {
        var a = new Dictionary<string, object>(StringComparer.Ordinal);
        for (var i = 0; i < space.Parameters.Count; i++)
        {
            var p = space.Parameters[i];
            var x = u(i);
            if (!space.IsActive(p, a))
            {
                continue;
            }

            a[p.Name] = p.Type == ParameterType.Categorical
                ? p.Values![Math.Min(p.Values.Count - 1, (int)(x * p.Values.Count))]
                : SearchSpace.FromUnit(p, x);
        }

        return a;
    }

    /// <summary>One uniformly random assignment (not checked against the constraint).</summary>
    public static Dictionary<string, object> Random(SearchSpace space, Rng rng) => Decode(space, _ => rng.NextDouble());

    /// <summary>A random assignment that satisfies the constraint, or null after <paramref name="attempts"/> draws.</summary>
    public static Dictionary<string, object>? RandomFeasible(SearchSpace space, Rng rng, int attempts = 1000)
    {
        for (var t = 0; t < attempts; t++)
        {
            var a = Random(space, rng);
            if (space.IsFeasible(a))
            {
                return a;
            }
        }

        return null;
    }
}
