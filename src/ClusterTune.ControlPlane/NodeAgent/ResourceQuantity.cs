using System.Globalization;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Parses Kubernetes quantities ("500m", "2Gi", "1.5", "1e3") into a decimal of base units.</summary>
internal static class ResourceQuantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024),
        ("Pi", 1024m * 1024 * 1024 * 1024 * 1024), ("Ei", 1024m * 1024 * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m),
        ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m), ("P", 1e15m), ("E", 1e18m),
    ];

    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        foreach (var (suffix, factor) in Suffixes)
        {
            // "1E3" style exponents end in a digit, so an 'E' suffix is only a suffix when it is last.
            if (s.EndsWith(suffix, StringComparison.Ordinal) &&
                decimal.TryParse(s[..^suffix.Length], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                value = number * factor;
                return true;
            }
        }

        return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses or throws a FormatException naming the resource.</summary>
    public static decimal Parse(string resource, string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"invalid quantity \"{text}\" for {resource}");

    /// <summary>Formats like the scheduler's messages and node status: cores as "1500m" or "2", bytes plain.</summary>
    public static string Format(string resource, decimal value) =>
        resource == ResourceNames.Cpu && value != decimal.Truncate(value)
            ? (value * 1000).ToString("0", CultureInfo.InvariantCulture) + "m"
            : value.ToString("0.###", CultureInfo.InvariantCulture);
}
