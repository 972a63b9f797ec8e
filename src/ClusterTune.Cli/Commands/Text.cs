using System.Globalization;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>Shared formatting for the inspection commands: ages, numbers and parameter lists.</summary>
internal static class Text
{
    /// <summary>A kubectl-style age: 45s, 5m3s, 42m, 3h5m, 20h, 3d4h, 30d.</summary>
    public static string Age(DateTimeOffset? since, DateTimeOffset now)
    {
        if (since is not { } s)
        {
            return "<unknown>";
        }

        return Duration(now - s);
    }

    /// <summary>A short human duration in kubectl's style (negative values, from clock skew, count as 0s).</summary>
    public static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero)
        {
            d = TimeSpan.Zero;
        }

        var sec = (long)d.TotalSeconds;
        var min = sec / 60;
        var hours = sec / 3600;
        var days = sec / 86400;
        return sec switch
        {
            < 120 => $"{sec}s",
            _ when min < 10 => sec % 60 == 0 ? $"{min}m" : $"{min}m{sec % 60}s",
            _ when min < 180 => $"{min}m",
            _ when hours < 8 => min % 60 == 0 ? $"{hours}h" : $"{hours}h{min % 60}m",
            _ when hours < 48 => $"{hours}h",
            _ when hours < 192 => hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h",
            _ => $"{days}d",
        };
    }

    /// <summary>An objective or metric value with up to four decimals, or "-" when absent.</summary>
    public static string Number(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    /// <summary>Parameters as "a=1, b=0.1", by name.</summary>
    public static string Params(IReadOnlyDictionary<string, ParamValue>? values) =>
        values is null || values.Count == 0 ? "-" : string.Join(", ", values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    /// <summary>The spec with its defaults, or the spec as written if defaulting fails (an invalid spec must still print).</summary>
    public static FineTuneJobSpec Defaulted(FineTuneJobSpec spec)
    {
        try
        {
            return FineTuneJobDefaults.Apply(spec);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            return spec;
        }
    }
}
