using System.Globalization;

namespace ClusterTune.Kubernetes.Retry;

/// <summary>Parses an HTTP Retry-After header: delta-seconds or an HTTP date.</summary>
public static class RetryAfter
{
    /// <summary>The delay the header asks for, or null when absent or unparseable; a past date gives zero.</summary>
    public static TimeSpan? Parse(string? header, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = header.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue));
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            var delta = date - now;
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        return null;
    }
}
