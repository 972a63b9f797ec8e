using System.Globalization;
using System.Text;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Cli;

/// <summary>Renders a sweep as a fixed-width text table: one line per trial, then the job's summary line.</summary>
internal static class ProgressTable
{
    /// <summary>The table for <paramref name="job"/> and its <paramref name="trials"/> (sorted by index).</summary>
    public static string Render(FineTuneJob job, IReadOnlyList<Trial> trials)
    {
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var metric = spec.Objective!.Metric!;
        var names = trials.SelectMany(t => t.Spec.Params.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        var header = string.Join("  ", new[] { Pad("TRIAL", 28), Pad("PHASE", 12), Pad("EPOCH", 5), Pad(metric.ToUpperInvariant(), 9) }
            .Concat(names.Select(n => Pad(n, Math.Max(8, n.Length)))).Append("REASON"));
        sb.AppendLine(header);
        foreach (var t in trials.OrderBy(t => t.Spec.Index))
        {
            var s = t.Status;
            var cells = new List<string>
            {
                Pad(t.Metadata.Name ?? "", 28),
                Pad((s?.Phase ?? TrialPhase.Pending).ToString(), 12),
                Pad($"{s?.Epoch ?? 0}/{t.Spec.Epochs ?? spec.Trainer.Epochs}", 5),
                Pad(s?.Objective is { } o ? o.ToString("0.0000", CultureInfo.InvariantCulture) : "-", 9),
            };
            cells.AddRange(names.Select(n => Pad(t.Spec.Params.TryGetValue(n, out var v) ? v.ToString() : "-", Math.Max(8, n.Length))));
            cells.Add(s?.Reason ?? "");
            sb.AppendLine(string.Join("  ", cells));
        }
        var js = job.Status;
        sb.Append(CultureInfo.InvariantCulture, $"{job.Metadata.Name}: {js?.Message ?? "waiting for the operator"}");
        if (js?.GpuSecondsUsed is > 0 and var g)
        {
            sb.Append(CultureInfo.InvariantCulture, $"; GPU-hours used {g / 3600:0.###}");
        }

        if (js?.GpuHoursRemaining is { } left)
        {
            sb.Append(CultureInfo.InvariantCulture, $", left {left:0.###}");
        }

        return sb.ToString();
    }

    private static string Pad(string s, int width) => s.Length >= width ? s : s.PadRight(width);
}
