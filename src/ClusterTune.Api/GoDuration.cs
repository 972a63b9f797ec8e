using System.Globalization;

namespace ClusterTune.Api;

/// <summary>Go duration strings as Kubernetes users write them ("90s", "2h", "1h30m", "1.5h"; units ns us µs ms s m h).</summary>
public static class GoDuration
{
    /// <summary>Parses a Go duration; false for empty text, a missing unit, an unknown unit, or a negative value.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        double totalTicks = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start)
            {
                return false;
            }

            if (!double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
            {
                i++;
            }

            double ticksPerUnit = text[unitStart..i] switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => -1,
            };
            if (ticksPerUnit < 0)
            {
                return false;
            }

            totalTicks += number * ticksPerUnit;
        }
        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(totalTicks));
        return true;
    }

    /// <summary>Parses a Go duration or throws a FormatException that shows the expected form.</summary>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a Go duration; write e.g. 90s, 30m, 2h or 1h30m.");

    /// <summary>Formats like Go's time.Duration.String for whole seconds ("1h30m0s", "45s", "0s").</summary>
    public static string Format(TimeSpan value)
    {
        var total = (long)Math.Round(value.TotalSeconds);
        if (total == 0)
        {
            return "0s";
        }

        var sign = total < 0 ? "-" : "";
        total = Math.Abs(total);
        long h = total / 3600, m = total / 60 % 60, s = total % 60;
        if (h > 0)
        {
            return FormattableString.Invariant($"{sign}{h}h{m}m{s}s");
        }

        if (m > 0)
        {
            return FormattableString.Invariant($"{sign}{m}m{s}s");
        }

        return FormattableString.Invariant($"{sign}{s}s");
    }
}
