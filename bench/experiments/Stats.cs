using System.Globalization;

namespace ClusterTune.Experiments;

/// <summary>Mean, sample standard deviation and count of a set of accuracies.</summary>
internal readonly record struct Stats(double Mean, double Sd, int N)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var v = values.ToList();
        if (v.Count == 0)
        {
            return new(double.NaN, double.NaN, 0);
        }

        var mean = v.Average();
        var sd = v.Count > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Count - 1)) : 0;
        return new(mean, sd, v.Count);
    }

    /// <summary>The final accuracies of the trials that match <paramref name="where"/>.</summary>
    public static Stats Of(IEnumerable<TrialResult> trials, Func<TrialResult, bool> where) =>
        Of(trials.Where(where).Select(t => t.FinalAccuracy!.Value));

    /// <summary>"0.812 ± 0.014" (accuracy, three decimals).</summary>
    public override string ToString() => N == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{Mean:0.000} ± {Sd:0.000}");
}
