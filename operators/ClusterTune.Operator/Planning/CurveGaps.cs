using System.Globalization;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Complete curves: which epochs of a trial have no stored objective value, in words for status.curveGaps, and how
/// points that arrive after the trial ended still complete its curve. Pure.
/// </summary>
public static class CurveGaps
{
    /// <summary>
    /// Why the curve of a trial that reached <paramref name="epochs"/> epochs is incomplete, or null when every epoch
    /// has its value. Epochs older than the <paramref name="cap"/> newest are dropped on purpose and said so.
    /// </summary>
    public static string? Describe(IReadOnlyList<Observation>? observations, int epochs, int cap = TrialStatus.MaxObservations)
    {
        if (epochs <= 0)
        {
            return null;
        }

        var from = Math.Max(1, epochs - cap + 1);
        var have = new HashSet<int>((observations ?? []).Select(o => o.Epoch));
        var missing = Enumerable.Range(from, epochs - from + 1).Where(e => !have.Contains(e)).ToList();
        var capped = from > 1 ? $"epochs 1-{from - 1} were dropped by the {cap}-point cap (newest kept)" : null;
        if (missing.Count == 0)
        {
            return capped;
        }

        var gap = $"no objective value for epoch(s) {Ranges(missing)} of {epochs}: the trainer reported none for them over OTLP or in its result's observations";
        return capped is null ? gap : $"{gap}; {capped}";
    }

    /// <summary>
    /// The status after points that arrived once the trial had ended: only the observations (and the gap text) change;
    /// epoch, heartbeat and objective stay as the result set them. Null when nothing new arrived (no write).
    /// </summary>
    public static TrialStatus? AfterLatePoints(TrialStatus status, IEnumerable<Observation> incoming)
    {
        var points = incoming.ToList();
        if (!TrialObservations.WouldChange(status.Observations, points))
        {
            return null;
        }

        var s = ApiCopy.Clone(status);
        s.Observations = TrialObservations.Merge(s.Observations, points);
        s.CurveGaps = Describe(s.Observations, s.Epoch ?? 0);
        return s;
    }

    private static string Ranges(List<int> sorted)
    {
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }

            parts.Add(i == j ? sorted[i].ToString(CultureInfo.InvariantCulture) : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }

        return string.Join(", ", parts);
    }
}
