using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterTune.Api.Schema;

/// <summary>
/// Writes a JSON tree as block-style YAML (kubectl layout: list items at their key's indentation). Strings that
/// could read as another YAML type are double-quoted with JSON escapes, which YAML accepts verbatim.
/// </summary>
public static class YamlEmitter
{
    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    /// <summary>The YAML document for <paramref name="node"/> (ends with a newline, no "---").</summary>
    public static string Write(JsonNode node)
    {
        var sb = new StringBuilder();
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                WriteObject(sb, o, 0);
                break;
            case JsonArray a when a.Count > 0:
                WriteArray(sb, a, 0);
                break;
            default:
                sb.Append(Scalar(node)).Append('\n');
                break;
        }
        return sb.ToString();
    }

    private static void WriteObject(StringBuilder sb, JsonObject o, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in o)
        {
            if (!(first && firstInline))
            {
                sb.Append(' ', indent);
            }

            first = false;
            sb.Append(Key(key)).Append(':');
            WriteValue(sb, value, indent, childIndent: indent + 2, arrayIndent: indent);
        }
    }

    private static void WriteArray(StringBuilder sb, JsonArray a, int indent)
    {
        foreach (var item in a)
        {
            sb.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject o when o.Count > 0:
                    sb.Append(' ');
                    WriteObject(sb, o, indent + 2, firstInline: true);
                    break;
                case JsonArray inner when inner.Count > 0:
                    sb.Append('\n');
                    WriteArray(sb, inner, indent + 2);
                    break;
                default:
                    sb.Append(' ').Append(Scalar(item)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteValue(StringBuilder sb, JsonNode? value, int indent, int childIndent, int arrayIndent)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                sb.Append('\n');
                WriteObject(sb, o, childIndent);
                break;
            case JsonArray a when a.Count > 0:
                sb.Append('\n');
                WriteArray(sb, a, arrayIndent);
                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static string Key(string key) => IsPlain(key) ? key : Quote(key);

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "{}",
        JsonArray => "[]",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Text(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() is JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() is JsonValueKind.False => "false",
        _ => node.ToJsonString(),
    };

    private static string Text(string s) => IsPlain(s) ? s : Quote(s);

    private static string Quote(string s) => JsonSerializer.Serialize(s, QuoteOptions);

    // Conservative: plain only for text that YAML cannot read as anything but this string.
    private static bool IsPlain(string s)
    {
        if (s.Length == 0 || Reserved.Contains(s))
        {
            return false;
        }

        if (!char.IsAsciiLetter(s[0]) && s[0] != '/' && s[0] != '_')
        {
            return false;
        }

        if (s[^1] == ' ')
        {
            return false;
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '/' or '-' or '_' or '(' or ')' or ',' or '='))
            {
                return false;
            }
        }

        return true;
    }
}
