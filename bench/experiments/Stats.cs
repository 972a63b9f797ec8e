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

    /// <summary>
    /// The paired gain of <paramref name="treated"/> over <paramref name="control"/>: per seed, the difference of the one
    /// trial of each that matches <paramref name="where"/> and has that seed; and how many seeds the treated side won.
    /// </summary>
    public static (Stats Gain, int Wins, int Seeds) Paired(IReadOnlyList<TrialResult> treated, IReadOnlyList<TrialResult> control,
        Func<TrialResult, bool> where, IReadOnlyList<double> seeds)
    {
        double Final(IReadOnlyList<TrialResult> side, double seed) => side.Single(t => where(t) && t.P("seed") == seed).FinalAccuracy!.Value;
        var diffs = seeds.Select(seed => Final(treated, seed) - Final(control, seed)).ToList();
        return (Of(diffs), diffs.Count(d => d > 0), diffs.Count);
    }

    /// <summary>"0.812 ± 0.014" (accuracy, three decimals).</summary>
    public override string ToString() => N == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{Mean:0.000} ± {Sd:0.000}");
}
