using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClusterTune.Operator.Tests.Deployment;

/// <summary>
/// A validator for the JSON Schema (draft-07) subset values.schema.json uses: type, properties, required,
/// additionalProperties (false or a schema), items, enum, minimum, maximum, minLength, maxLength, minItems, pattern.
/// Any other keyword is an error, so the schema cannot rely on a rule this validator would silently skip.
/// </summary>
internal static class JsonSchemaSubset
{
    private static readonly HashSet<string> Annotations = ["$schema", "title", "description"];
    private static readonly HashSet<string> Keywords =
        ["type", "properties", "required", "additionalProperties", "items", "enum", "minimum", "maximum", "minLength", "maxLength", "minItems", "pattern"];

    /// <summary>The violations of <paramref name="instance"/> against <paramref name="schema"/>, each with its JSON path.</summary>
    public static List<string> Validate(JsonObject schema, JsonNode? instance)
    {
        var errors = new List<string>();
        Check(schema, instance, "$", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonNode? value, string path, List<string> errors)
    {
        foreach (var (key, _) in schema)
        {
            if (!Keywords.Contains(key) && !Annotations.Contains(key))
            {
                throw new NotSupportedException($"schema keyword '{key}' at {path} is not in the supported subset");
            }
        }

        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray a ? a.Select(t => (string)t!).ToList() : [(string)type!];
            if (!allowed.Any(t => IsType(value, t)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", allowed)}, got {KindOf(value)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
        {
            errors.Add($"{path}: {value?.ToJsonString()} is not one of {options.ToJsonString()}");
        }

        if (value is JsonObject obj)
        {
            foreach (var r in schema["required"]?.AsArray() ?? [])
            {
                if (!obj.ContainsKey((string)r!))
                {
                    errors.Add($"{path}: missing required '{r}'");
                }
            }
            var properties = schema["properties"]?.AsObject();
            foreach (var (key, child) in obj)
            {
                if (properties?[key] is JsonObject p)
                {
                    Check(p, child, $"{path}.{key}", errors);
                }
                else if (schema["additionalProperties"] is JsonValue v && v.GetValueKind() == JsonValueKind.False)
                {
                    errors.Add($"{path}: unknown property '{key}'");
                }
                else if (schema["additionalProperties"] is JsonObject extra)
                {
                    Check(extra, child, $"{path}.{key}", errors);
                }
            }
        }

        if (value is JsonArray arr)
        {
            if (schema["minItems"] is { } min && arr.Count < (int)min)
            {
                errors.Add($"{path}: {arr.Count} items, at least {min} required");
            }

            if (schema["items"] is JsonObject items)
            {
                for (var i = 0; i < arr.Count; i++)
                {
                    Check(items, arr[i], $"{path}[{i}]", errors);
                }
            }
        }

        if (value is JsonValue jv && jv.GetValueKind() == JsonValueKind.String)
        {
            var s = jv.GetValue<string>();
            if (schema["minLength"] is { } minLen && s.Length < (int)minLen)
            {
                errors.Add($"{path}: shorter than {minLen}");
            }

            if (schema["maxLength"] is { } maxLen && s.Length > (int)maxLen)
            {
                errors.Add($"{path}: longer than {maxLen}");
            }

            if (schema["pattern"] is { } pattern && !Regex.IsMatch(s, (string)pattern!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            {
                errors.Add($"{path}: '{s}' does not match {pattern}");
            }
        }

        if (value is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number)
        {
            var d = Number(nv);
            if (schema["minimum"] is { } lo && d < (double)lo)
            {
                errors.Add($"{path}: {d.ToString(CultureInfo.InvariantCulture)} < minimum {lo}");
            }

            if (schema["maximum"] is { } hi && d > (double)hi)
            {
                errors.Add($"{path}: {d.ToString(CultureInfo.InvariantCulture)} > maximum {hi}");
            }
        }
    }

    private static bool IsType(JsonNode? value, string type) => type switch
    {
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && Math.Floor(Number(v)) == Number(v),
        "null" => value is null,
        _ => throw new NotSupportedException($"type '{type}'"),
    };

    // Values parsed from YAML hold long or double; go through the JSON text to read either.
    private static double Number(JsonValue v) => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);

    private static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind().ToString().ToLowerInvariant(),
        _ => "unknown",
    };
}
