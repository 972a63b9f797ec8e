using System.Globalization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// Deterministic object names: trial <c>&lt;job&gt;-&lt;index&gt;</c>, pod <c>&lt;job&gt;-&lt;index&gt;-&lt;attempt&gt;</c>.
/// Names never exceed 63 characters (they are also label values and pod hostnames): a long job name is cut and
/// a hash of the full name keeps it unique, so a crash between two writes can never create a second object.
/// </summary>
public static class ResourceNames
{
    /// <summary>DNS-1123 label length limit, also the label-value limit.</summary>
    public const int MaxLength = 63;

    /// <summary>The Trial name for the job's index-th trial (index 0-based).</summary>
    public static string Trial(string jobName, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Fit(jobName, "-" + index.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The pod name of a trial's attempt-th pod (attempt 1-based).</summary>
    public static string Pod(string jobName, int index, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        return Fit(jobName, "-" + index.ToString(CultureInfo.InvariantCulture) + "-" + attempt.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Whether a name is a DNS-1123 label: lowercase letters, digits and '-', starting and ending alphanumeric, at most 63 characters.</summary>
    public static bool IsDns1123Label(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        if (!IsAlnum(name[0]) || !IsAlnum(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsAlnum(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static string Fit(string jobName, string suffix)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobName);
        if (jobName.Length + suffix.Length <= MaxLength)
        {
            return jobName + suffix;
        }

        var hash = "-" + Fnv1a32(jobName).ToString("x8", CultureInfo.InvariantCulture);
        var keep = Math.Max(1, MaxLength - suffix.Length - hash.Length);
        var prefix = jobName[..Math.Min(keep, jobName.Length)].TrimEnd('-', '.');
        return prefix + hash + suffix;
    }

    private static bool IsAlnum(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    private static uint Fnv1a32(string s)
    {
        uint h = 2166136261;
        foreach (var c in s)
        {
            h ^= c;
            h *= 16777619;
        }
        return h;
    }
}
