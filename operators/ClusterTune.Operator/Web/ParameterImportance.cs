using System.Globalization;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Web;

/// <summary>
/// Parameter importance as the main-effect share of the objective's variance (the first-order terms of a functional
/// ANOVA, fANOVA-style, estimated by grouping instead of a random forest): for parameter p the trials are grouped by
/// p's level and importance(p) = Σ_g n_g (mean_g − mean)² / Σ_i (y_i − mean)², the correlation ratio η². 1 means the
/// objective is a function of p alone, 0 that p's levels all have the same mean objective. Shares do not have to sum
/// to 1: what is left over is interactions and noise. Pure: the same rows always give the same result.
/// </summary>
public static class ParameterImportance
{
    /// <summary>Fewer usable rows than this give no importance (a share of two points says nothing).</summary>
    public const int MinRows = 3;

    /// <summary>Distinct numeric values beyond this are grouped into this many equal-count bins (by rank).</summary>
    public const int MaxBins = 8;

    /// <summary>One trial's parameters and its objective, the input of <see cref="Compute"/>.</summary>
    public sealed record Row(IReadOnlyDictionary<string, ParamValue> Params, double Objective);

    /// <summary>One parameter's share of the objective's variance, with the number of levels it was grouped into.</summary>
    public sealed record Entry(string Parameter, double Importance, int Levels);

    /// <summary>
    /// The importance of each parameter named in <paramref name="rows"/>, highest first (ties by name). Rows with a
    /// non-finite objective are left out; fewer than <see cref="MinRows"/> usable rows, or an objective that never
    /// varies, give an empty list. A row without the parameter (a conditional one) forms its own level.
    /// </summary>
    public static IReadOnlyList<Entry> Compute(IReadOnlyList<Row> rows)
    {
        var usable = rows.Where(r => double.IsFinite(r.Objective)).ToList();
        if (usable.Count < MinRows)
        {
            return [];
        }

        var mean = usable.Average(r => r.Objective);
        var total = usable.Sum(r => (r.Objective - mean) * (r.Objective - mean));
        // Relative tolerance: a constant objective summed in floating point is not exactly constant.
        if (total <= 1e-12 * Math.Max(1, usable.Sum(r => r.Objective * r.Objective)))
        {
            return [];
        }

        var names = usable.SelectMany(r => r.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var name in names)
        {
            var levels = Levels(usable, name);
            var between = usable.Select((r, i) => (r.Objective, Level: levels[i])).GroupBy(x => x.Level, StringComparer.Ordinal)
                .Sum(g => g.Count() * Math.Pow(g.Average(x => x.Objective) - mean, 2));
            entries.Add(new Entry(name, Math.Clamp(between / total, 0, 1), levels.Distinct(StringComparer.Ordinal).Count()));
        }
        return [.. entries.OrderByDescending(e => e.Importance).ThenBy(e => e.Parameter, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The rows importance is computed over, from a sweep's finished trials: each trial's objective at the deepest
    /// epoch that at least half of them (and at least <see cref="MinRows"/>) reached, so trials an early-stopping
    /// rule ended at a rung are compared with the others at that rung rather than with final results. Trials
    /// without an observation at that epoch are left out.
    /// </summary>
    public static IReadOnlyList<Row> RowsAtCommonEpoch(IReadOnlyList<Trial> trials)
    {
        var finished = trials.Where(t => t.Status?.Phase is TrialPhase.Succeeded or TrialPhase.EarlyStopped
                && t.Status.Observations is { Count: > 0 })
            .ToList();
        var need = Math.Max(MinRows, (finished.Count + 1) / 2);
        var epochs = finished.SelectMany(t => t.Status!.Observations!.Select(o => o.Epoch).Distinct()).GroupBy(e => e)
            .Where(g => g.Count() >= need).Select(g => g.Key).ToList();
        if (epochs.Count == 0)
        {
            return [];
        }

        var epoch = epochs.Max();
        return
        [
            .. finished.Select(t => (t, o: t.Status!.Observations!.LastOrDefault(o => o.Epoch == epoch)))
                .Where(x => x.o is not null)
                .Select(x => new Row(x.t.Spec.Params, x.o!.Value)),
        ];
    }

    // The level of each row for one parameter: categories and booleans as themselves; numbers as themselves when there
    // are at most MaxBins distinct values, otherwise their equal-count rank bin.
    private static string[] Levels(List<Row> rows, string name)
    {
        const string absent = "\u0000absent";
        var values = rows.Select(r => r.Params.TryGetValue(name, out var v) ? v : (ParamValue?)null).ToArray();
        var numbers = values.Where(v => v is { IsNumber: true }).Select(v => v!.Value.Number).Distinct().Order().ToArray();
        var levels = values.Select(v => v is null ? absent : v.Value.ToString()).ToArray();
        if (numbers.Length <= MaxBins)
        {
            return levels;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { IsNumber: true } v)
            {
                continue;
            }

            var rank = Array.BinarySearch(numbers, v.Number);
            levels[i] = "bin" + (rank * MaxBins / numbers.Length).ToString(CultureInfo.InvariantCulture);
        }
        return levels;
    }
}
