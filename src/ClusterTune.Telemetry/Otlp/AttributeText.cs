using System.Globalization;
using System.Text;

namespace ClusterTune.Telemetry.Otlp;

/// <summary>Renders AnyValue members as the strings ClusterTune stores attributes as.</summary>
internal static class AttributeText
{
    public static string Bool(bool v) => v ? "true" : "false";

    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    public static string Double(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static string Bytes(ReadOnlySpan<byte> v) => Convert.ToBase64String(v);

    /// <summary>Arrays render as a JSON-like list; strings quoted so ["a,b"] and ["a","b"] differ.</summary>
    public static string Array(IEnumerable<(string Text, bool IsString)> items)
    {
        var sb = new StringBuilder("[");
        bool first = true;
        foreach (var (text, isString) in items)
        {
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            AppendItem(sb, text, isString);
        }
        return sb.Append(']').ToString();
    }

    public static string KvList(IEnumerable<(string Key, string Text, bool IsString)> items)
    {
        var sb = new StringBuilder("{");
        bool first = true;
        foreach (var (key, text, isString) in items)
        {
            if (!first)
            {
                sb.Append(',');
            }
            first = false;
            AppendItem(sb, key, true);
            sb.Append(':');
            AppendItem(sb, text, isString);
        }
        return sb.Append('}').ToString();
    }

    private static void AppendItem(StringBuilder sb, string text, bool quote)
    {
        if (!quote)
        {
            sb.Append(text);
            return;
        }
        sb.Append('"');
        foreach (char c in text)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(c);
        }
        sb.Append('"');
    }
}
