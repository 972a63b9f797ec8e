using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClusterTune.ControlPlane.Json;

/// <summary>Converts YAML (one or many documents, or JSON) into JSON nodes with YAML 1.2 core-schema scalar typing.</summary>
public static class YamlJson
{
    /// <summary>Deepest nesting of mappings and sequences accepted (the tree is converted recursively).</summary>
    public const int MaxDepth = 100;

    /// <summary>Every document of <paramref name="text"/> as JSON; a JSON List object yields its items. Bad YAML is a FormatException naming the line.</summary>
    public static List<JsonNode> ParseDocuments(string text)
    {
        var result = new List<JsonNode>();
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new FormatException($"invalid JSON: {e.Message}", e);
            }

            JsonUtil.RefuseOverflowingNumbers(node);

            if (node is JsonObject { } o && o["kind"]?.GetValue<string>() == "List" && o["items"] is JsonArray items)
            {
                result.AddRange(items.Where(i => i is not null).Select(i => i!.DeepClone()));
            }
            else if (node is not null)
            {
                result.Add(node);
            }

            return result;
        }

        var stream = new YamlStream();
        try
        {
            RefuseAliasesAndDeepNesting(text);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new FormatException($"invalid YAML at line {e.Start.Line}: {e.Message}", e);
        }

        foreach (var doc in stream.Documents)
        {
            var node = Convert(doc.RootNode);
            if (node is not null)
            {
                result.Add(node);
            }
        }

        return result;
    }

    // A 348-byte document of nested aliases ("billion laughs") expands to gigabytes, and a deep one overflows the
    // stack of the recursive conversion: both are refused from the event stream, before any tree is built.
    private static void RefuseAliasesAndDeepNesting(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.AnchorAlias alias:
                    throw new FormatException($"YAML aliases are not accepted (*{alias.Value} at line {alias.Start.Line}): " +
                        "an alias can expand a small document into gigabytes; write the value out in full");
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxDepth:
                    throw new FormatException($"YAML nested more than {MaxDepth} levels deep at line {parser.Current.Start.Line}; a manifest needs far fewer");
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private static JsonNode? Convert(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = k is YamlScalarNode ks ? ks.Value ?? "" : k.ToString();
                    obj[key] = Convert(v);
                }

                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children)
                {
                    arr.Add(Convert(item));
                }

                return arr;
            case YamlScalarNode scalar:
                return ConvertScalar(scalar);
            default:
                return null;
        }
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (LooksNumeric(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return double.IsFinite(d) ? JsonValue.Create(d)
                : throw new FormatException($"the number {value} at line {scalar.Start.Line} does not fit a 64-bit float");
        }

        return JsonValue.Create(value);
    }

    private static bool LooksNumeric(string s)
    {
        var i = 0;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            i++;
        }

        if (i >= s.Length || !(char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            return false;
        }

        return s.Skip(i).All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '-' or '+');
    }
}
