using System.Globalization;
using System.Text;

namespace ClusterTune.Telemetry.Prometheus;

/// <summary>Renders a <see cref="MetricRegistry"/> in the Prometheus text exposition format 0.0.4.</summary>
public static class PrometheusTextRenderer
{
    /// <summary>Content-Type of the 0.0.4 text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Renders every family: HELP and TYPE lines, then one line per sample.</summary>
    public static string Render(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var sb = new StringBuilder();
        foreach (var (family, samples) in registry.Collect())
        {
            sb.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            sb.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var s in samples)
            {
                sb.Append(s.Name);
                if (s.Labels.Count > 0)
                {
                    sb.Append('{');
                    for (int i = 0; i < s.Labels.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }
                        sb.Append(s.Labels[i].Key).Append("=\"").Append(EscapeLabelValue(s.Labels[i].Value)).Append('"');
                    }
                    sb.Append('}');
                }
                sb.Append(' ').Append(FormatValue(s.Value)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Label values escape backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny("\\\"\n") < 0)
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>HELP text escapes backslash and line feed (not quotes).</summary>
    public static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Formats a sample value: shortest round-trip decimal, +Inf, -Inf or NaN.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string TypeName(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Histogram => "histogram",
        _ => "gauge",
    };
}
