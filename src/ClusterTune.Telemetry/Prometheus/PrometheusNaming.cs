using System.Text;

namespace ClusterTune.Telemetry.Prometheus;

/// <summary>
/// OTel → Prometheus name mapping (OpenTelemetry's Prometheus compatibility rules): invalid characters (dots) become
/// underscores, the UCUM unit becomes a suffix (s → seconds, By → bytes, {…} annotations dropped, 1 → ratio on
/// gauges), and monotonic counters get _total.
/// </summary>
public static class PrometheusNaming
{
    private static readonly Dictionary<string, string> Units = new(StringComparer.Ordinal)
    {
        ["d"] = "days",
        ["h"] = "hours",
        ["min"] = "minutes",
        ["s"] = "seconds",
        ["ms"] = "milliseconds",
        ["us"] = "microseconds",
        ["ns"] = "nanoseconds",
        ["By"] = "bytes",
        ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes",
        ["GiBy"] = "gibibytes",
        ["TiBy"] = "tebibytes",
        ["KBy"] = "kilobytes",
        ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes",
        ["TBy"] = "terabytes",
        ["m"] = "meters",
        ["V"] = "volts",
        ["A"] = "amperes",
        ["J"] = "joules",
        ["W"] = "watts",
        ["g"] = "grams",
        ["Cel"] = "celsius",
        ["Hz"] = "hertz",
        ["%"] = "percent",
    };

    private static readonly Dictionary<string, string> PerUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second",
        ["m"] = "minute",
        ["h"] = "hour",
        ["d"] = "day",
        ["w"] = "week",
        ["mo"] = "month",
        ["y"] = "year",
    };

    /// <summary>Prometheus metric name for an OTel metric name, unit and type (counter = monotonic sum).</summary>
    public static string MetricName(string otelName, string unit, MetricType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(otelName);
        string name = Sanitize(otelName, allowColon: true);
        string suffix = UnitSuffix(unit ?? "", type);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }
        if (type == MetricType.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }
        return name;
    }

    /// <summary>The unit suffix for a UCUM unit ("" when none): annotations dropped, X/Y → X_per_Y, 1 → ratio on gauges.</summary>
    public static string UnitSuffix(string unit, MetricType type)
    {
        // Curly-brace annotations ({token}, {step}) carry no unit.
        var sb = new StringBuilder();
        int depth = 0;
        foreach (char c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth = Math.Max(0, depth - 1);
            }
            else if (depth == 0)
            {
                sb.Append(c);
            }
        }
        string u = sb.ToString().Trim();
        if (u.Length == 0)
        {
            return "";
        }
        if (u == "1")
        {
            return type == MetricType.Gauge ? "ratio" : "";
        }
        int slash = u.IndexOf('/');
        if (slash >= 0)
        {
            string left = u[..slash], right = u[(slash + 1)..];
            string l = Units.TryGetValue(left, out var lu) ? lu : Sanitize(left, false);
            string r = PerUnits.TryGetValue(right, out var ru) ? ru : Sanitize(right, false);
            return l.Length == 0 ? (r.Length == 0 ? "" : "per_" + r) : (r.Length == 0 ? l : l + "_per_" + r);
        }
        return Units.TryGetValue(u, out var mapped) ? mapped : Sanitize(u, false).Trim('_');
    }

    /// <summary>A valid label name from an attribute key: invalid characters → _, leading digit prefixed with _.</summary>
    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    /// <summary>
    /// Label name for a hyperparameter on the info series: snake_case (lrFactor → lr_factor, as Prometheus lint asks),
    /// sanitized, and prefixed with param_ when it would collide with a reserved label.
    /// </summary>
    public static string ParameterLabelName(string parameter, IReadOnlyCollection<string> reserved)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter);
        var sb = new StringBuilder();
        for (int i = 0; i < parameter.Length; i++)
        {
            char c = parameter[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(parameter[i - 1]) || char.IsDigit(parameter[i - 1]));
                bool nextLower = i + 1 < parameter.Length && char.IsLower(parameter[i + 1]) && i > 0 && char.IsUpper(parameter[i - 1]);
                if (prevLowerOrDigit || nextLower)
                {
                    sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        string name = Sanitize(sb.ToString(), allowColon: false);
        if (name.StartsWith("__", StringComparison.Ordinal) || name == "le" || reserved.Contains(name))
        {
            name = "param_" + name.TrimStart('_');
        }
        return name;
    }

    /// <summary>Throws unless <paramref name="name"/> matches [a-zA-Z_:][a-zA-Z0-9_:]*.</summary>
    public static void ValidateMetricName(string name)
    {
        if (string.IsNullOrEmpty(name) || !IsValid(name, allowColon: true))
        {
            throw new ArgumentException($"'{name}' is not a valid Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)", nameof(name));
        }
    }

    /// <summary>Throws unless <paramref name="name"/> matches [a-zA-Z_][a-zA-Z0-9_]* and does not start with __.</summary>
    public static void ValidateLabelName(string name)
    {
        if (string.IsNullOrEmpty(name) || !IsValid(name, allowColon: false) || name.StartsWith("__", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)", nameof(name));
        }
    }

    private static bool IsValid(string s, bool allowColon)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (allowColon && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static string Sanitize(string s, bool allowColon)
    {
        var sb = new StringBuilder(s.Length + 1);
        foreach (char c in s)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            char o = ok ? c : '_';
            // Runs of invalid characters collapse into one underscore.
            if (o == '_' && sb.Length > 0 && sb[^1] == '_' && !ok)
            {
                continue;
            }
            sb.Append(o);
        }
        if (sb.Length > 0 && sb[0] is >= '0' and <= '9')
        {
            sb.Insert(0, '_');
        }
        return sb.ToString();
    }
}
