using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Json;

/// <summary>Small helpers over System.Text.Json nodes used by the store and handlers.</summary>
internal static class JsonUtil
{
    public static JsonObject Meta(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m)
        {
            return m;
        }

        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    public static string? Str(JsonNode? node, string key)
    {
        if (node is JsonObject o && o[key] is JsonValue v && v.TryGetValue<string>(out var s))
        {
            return s;
        }

        return null;
    }

    public static long? Long(JsonNode? node, string key)
    {
        if (node is JsonObject o && o[key] is JsonValue v)
        {
            if (Number(v) is { } d)
            {
                return (long)d;
            }

            if (v.TryGetValue<string>(out var s) && long.TryParse(s, CultureInfo.InvariantCulture, out var p))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>A JSON number as double, whatever CLR type backs the node (parsed element, int, long, double).</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : null;

    /// <summary>A JSON boolean, or null for anything else.</summary>
    public static bool? Bool(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    /// <summary>Walks a dotted path (e.g. "spec.nodeName"); returns null when any step is missing.</summary>
    public static JsonNode? Path(JsonNode? node, string dotted)
    {
        foreach (var part in dotted.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not JsonObject o)
            {
                return null;
            }

            node = o[part];
        }

        return node;
    }

    /// <summary>The scalar rendering used for selectors and table cells.</summary>
    public static string? ScalarText(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v)
        {
            if (v.TryGetValue<string>(out var s))
            {
                return s;
            }

            if (v.TryGetValue<bool>(out var b))
            {
                return b ? "true" : "false";
            }

            return v.ToJsonString();
        }

        return node.ToJsonString();
    }

    public static List<string> StringList(JsonNode? node)
    {
        var list = new List<string>();
        if (node is JsonArray a)
        {
            foreach (var item in a)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    list.Add(s);
                }
            }
        }

        return list;
    }

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    public static JsonObject ParseObject(string text, string what)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{what} is not valid JSON: {e.Message}", e);
        }

        var obj = node as JsonObject ?? throw new FormatException($"{what} must be a JSON object");
        RefuseOverflowingNumbers(obj, "");
        return obj;
    }

    // Go's encoding/json refuses a number beyond float64 (1e309) while decoding; stored, it would be a value no
    // client can read back (System.Text.Json refuses it too), so the object would never be reconciled.
    internal static void RefuseOverflowingNumbers(JsonNode? node, string path = "")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    RefuseOverflowingNumbers(value, path.Length == 0 ? key : $"{path}.{key}");
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    RefuseOverflowingNumbers(a[i], $"{path}[{i}]");
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number && !(v.TryGetValue<double>(out var d) && double.IsFinite(d)):
                throw new FormatException($"the number {v.ToJsonString()} at {path} does not fit a 64-bit float");
        }
    }

    /// <summary>Kubernetes timestamps: RFC 3339, second precision, UTC.</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Re-orders the top-level keys like the real server (kind, apiVersion, metadata, rest).</summary>
    public static JsonObject Ordered(JsonObject obj)
    {
        var result = new JsonObject();
        foreach (var key in new[] { "kind", "apiVersion", "metadata" })
        {
            if (obj.ContainsKey(key))
            {
                result[key] = obj[key]?.DeepClone();
            }
        }

        foreach (var (k, v) in obj)
        {
            if (k is not ("kind" or "apiVersion" or "metadata"))
            {
                result[k] = v?.DeepClone();
            }
        }

        return result;
    }

    /// <summary>Touches every node once: JsonObject parses lazily and is not safe for concurrent first reads.</summary>
    public static T Materialize<T>(T node)
        where T : JsonNode?
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, v) in o)
                {
                    Materialize(v);
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    Materialize(v);
                }

                break;
        }

        return node;
    }
}
