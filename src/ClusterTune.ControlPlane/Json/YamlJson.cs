using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClusterTune.ControlPlane.Json;

/// <summary>Converts YAML (one or many documents, or JSON) into JSON nodes with YAML 1.2 core-schema scalar typing.</summary>
public static class YamlJson
{
    /// <summary>Every document of <paramref name="text"/> as JSON; a JSON List object yields its items. Bad YAML is a FormatException naming the line.</summary>
    public static List<JsonNode> ParseDocuments(string text)
    {
        var result = new List<JsonNode>();
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            var node = JsonNode.Parse(text);
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

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
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
            return JsonValue.Create(d);
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
