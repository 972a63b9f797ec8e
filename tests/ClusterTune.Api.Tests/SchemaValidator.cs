using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterTune.Api.Tests;

/// <summary>
/// The subset of OpenAPI v3 checking a kube-apiserver applies to a CR (type, required, enum, minimum/maximum,
/// maxItems/maxProperties, int-or-string, preserve-unknown-fields) plus pruning detection: any field the schema
/// does not declare is reported, since the API server would silently drop it.
/// </summary>
internal static class SchemaValidator
{
    public static List<string> Validate(JsonNode? value, JsonObject schema, string path = "")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors);
        return errors;
    }

    // JsonValue built from a CLR long refuses GetValue<double>; the JSON text is the neutral form.
    private static double Num(JsonNode n) => double.Parse(n.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        if (value is null)
        {
            errors.Add($"{path}: null is not allowed (omit the field instead)");
            return;
        }
        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            if (value is not JsonValue v || v.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Number))
            {
                errors.Add($"{path}: expected integer or string");
            }

            return;
        }
        var type = schema["type"]?.GetValue<string>();
        if (type is null)
        {
            if (schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() != true)
            {
                errors.Add($"{path}: schema node has neither type nor x-kubernetes-preserve-unknown-fields");
            }

            return;
        }
        switch (type)
        {
            case "object":
                if (value is not JsonObject o)
                { errors.Add($"{path}: expected object"); return; }
                var props = schema["properties"] as JsonObject;
                var additional = schema["additionalProperties"] as JsonObject;
                // A bare {type: object} is metadata, whose schema the API server owns.
                if (props is null && additional is null)
                {
                    return;
                }

                foreach (var req in (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()) ?? [])
                {
                    if (!o.ContainsKey(req))
                    {
                        errors.Add($"{path}.{req}: required");
                    }
                }

                if (schema["maxProperties"] is { } maxP && o.Count > Num(maxP))
                {
                    errors.Add($"{path}: more than {maxP} properties");
                }

                foreach (var (k, child) in o)
                {
                    var childSchema = props?[k] as JsonObject ?? additional;
                    if (childSchema is null)
                    {
                        if (props is not null || schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() != true)
                        {
                            errors.Add($"{path}.{k}: unknown field (would be pruned)");
                        }

                        continue;
                    }
                    Check(child, childSchema, $"{path}.{k}", errors);
                }
                break;
            case "array":
                if (value is not JsonArray a)
                { errors.Add($"{path}: expected array"); return; }
                if (schema["maxItems"] is { } maxI && a.Count > Num(maxI))
                {
                    errors.Add($"{path}: more than {maxI} items");
                }

                for (var i = 0; i < a.Count; i++)
                {
                    Check(a[i], (JsonObject)schema["items"]!, $"{path}[{i}]", errors);
                }

                break;
            case "string":
                if (value is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                { errors.Add($"{path}: expected string"); return; }
                if (schema["enum"] is JsonArray e && !e.Any(x => x!.GetValue<string>() == s.GetValue<string>()))
                {
                    errors.Add($"{path}: '{s}' not in enum");
                }

                if (schema["pattern"] is { } pat && !System.Text.RegularExpressions.Regex.IsMatch(s.GetValue<string>(), pat.GetValue<string>()))
                {
                    errors.Add($"{path}: '{s}' does not match {pat}");
                }

                break;
            case "integer" or "number":
                if (value is not JsonValue n || n.GetValueKind() != JsonValueKind.Number)
                { errors.Add($"{path}: expected {type}"); return; }
                var d = Num(n);
                if (type == "integer" && Math.Floor(d) != d)
                {
                    errors.Add($"{path}: expected integer, got {d}");
                }

                var exMin = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
                if (schema["minimum"] is { } min && (exMin ? d <= Num(min) : d < Num(min)))
                {
                    errors.Add($"{path}: {d} below minimum {min}");
                }

                if (schema["maximum"] is { } max && d > Num(max))
                {
                    errors.Add($"{path}: {d} above maximum {max}");
                }

                break;
            case "boolean":
                if (value is not JsonValue b || b.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{path}: expected boolean");
                }

                break;
            default:
                errors.Add($"{path}: unknown schema type {type}");
                break;
        }
    }
}
