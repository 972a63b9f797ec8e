namespace ClusterTune.Search;

/// <summary>
/// Multi-objective extension point: the non-dominated subset of objective vectors. A trial dominates another when it
/// is no worse on every objective and strictly better on one (each objective has its own direction).
/// </summary>
public static class ParetoFront
{
    /// <summary>Positions of the non-dominated vectors (vectors with NaN/Inf are never on the front), ascending.</summary>
    public static IReadOnlyList<int> NonDominated(IReadOnlyList<IReadOnlyList<double>> objectives, IReadOnlyList<ObjectiveDirection> directions)
    {
        var losses = objectives.Select(v =>
        {
            if (v.Count != directions.Count)
            {
                throw new ArgumentException($"objectives: a vector has {v.Count} values but {directions.Count} directions were given; give one value per objective", nameof(objectives));
            }

            return v.Select((x, i) => directions[i] == ObjectiveDirection.Minimize ? x : -x).ToArray();
        }).ToArray();
        var front = new List<int>();
        for (var i = 0; i < losses.Length; i++)
        {
            if (losses[i].Any(x => !double.IsFinite(x)))
            {
                continue;
            }

            var dominated = false;
            for (var j = 0; j < losses.Length && !dominated; j++)
            {
                dominated = j != i && losses[j].All(double.IsFinite) && Dominates(losses[j], losses[i]);
            }

            if (!dominated)
            {
                front.Add(i);
            }
        }

        return front;
    }

    /// <summary>True when loss vector a is no worse than b everywhere and better somewhere.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var better = false;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] > b[i])
            {
                return false;
            }

            better |= a[i] < b[i];
        }

        return better;
    }
}
