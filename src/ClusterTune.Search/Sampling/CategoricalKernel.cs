namespace ClusterTune.Search.Sampling;

/// <summary>
/// TPE's kernel over a categorical parameter's values (issue 16). Each observation's kernel puts mass 1 on its value
/// — spread over the sorted neighbours when the values are all numbers — and adds prior weight / kernels to every
/// value, then is normalised: Optuna's Laplace smoothing, so with few good trials the good density still explores
/// (a good set of 2 over 6 values leaves 2/3 of each kernel's mass uniform) and sharpens as evidence grows.
/// </summary>
internal static class CategoricalKernel
{
    /// <summary>The prior's weight, as Optuna's default prior_weight.</summary>
    public const double PriorWeight = 1.0;

    /// <summary>
    /// Each value's rank in sorted order scaled to [0, 1] when every value is a number (a list like lrFactor: [0.03,
    /// 0.1, 0.3] or loraRank: [0, 4, 8] is ordered whatever order it is written in), null for text or mixed lists.
    /// </summary>
    public static double[]? OrdinalPositions(ParameterSpec p)
    {
        var values = p.Values!;
        if (values.Count < 2)
        {
            return null;
        }

        var numbers = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            if (!SearchSpace.TryNumber(values[i], out numbers[i]))
            {
                return null;
            }
        }

        var order = Enumerable.Range(0, values.Count).OrderBy(i => numbers[i]).ToArray();
        var positions = new double[values.Count];
        for (var rank = 0; rank < order.Length; rank++)
        {
            positions[order[rank]] = rank / (double)(order.Length - 1);
        }

        return positions;
    }

    /// <summary>
    /// The probabilities of the n values under the kernel of an observation of value <paramref name="m"/>: an
    /// indicator (unordered) or a Gaussian of width <paramref name="sigma"/> over the ordinal positions, plus
    /// <see cref="PriorWeight"/> / <paramref name="kernels"/> on every value, normalised.
    /// </summary>
    public static double[] Probabilities(int m, int n, double[]? positions, double sigma, int kernels)
    {
        var w = new double[n];
        if (positions is null)
        {
            w[m] = 1;
        }
        else
        {
            var sum = 0.0;
            for (var j = 0; j < n; j++)
            {
                var z = (positions[j] - positions[m]) / sigma;
                w[j] = Math.Exp(-0.5 * z * z);
                sum += w[j];
            }

            for (var j = 0; j < n; j++)
            {
                w[j] /= sum;
            }
        }

        var smooth = PriorWeight / kernels;
        var total = 1 + (n * smooth);
        for (var j = 0; j < n; j++)
        {
            w[j] = (w[j] + smooth) / total;
        }

        return w;
    }
}
