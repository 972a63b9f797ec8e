namespace ClusterTune.Search.Scheduling;

/// <summary>Linear-interpolation quantile of sorted values (numpy's default), so cut-offs match Ray and Optuna.</summary>
internal static class Quantile
{
    public static double Of(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 1)
        {
            return sorted[0];
        }

        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
    }
}
