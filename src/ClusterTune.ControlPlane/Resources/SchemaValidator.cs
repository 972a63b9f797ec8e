using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>
/// Structural-schema handling of a CRD's openAPIV3Schema: defaulting, pruning of unknown fields and validation
/// (types, required, enum, bounds, lengths, patterns), with the messages kube-apiserver uses.
/// </summary>
internal static class SchemaValidator
{
    public static List<StatusCause> Apply(JsonObject schema, JsonObject obj, List<string> unknownFields)
    {
        var causes = new List<StatusCause>();
        var props = schema["properties"] as JsonObject;
        foreach (var (key, value) in obj.ToList())
        {
            if (key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (props?[key] is JsonObject sub)
            {
                var replaced = Walk(sub, value, key, causes, unknownFields);
                if (!ReferenceEquals(replaced, value))
                {
                    obj[key] = replaced;
                }
            }
            else if (!PreservesUnknown(schema))
            {
                unknownFields.Add(key);
                obj.Remove(key);
            }
        }

        ApplyDefaults(schema, obj, skipRootMeta: true);
        CheckRequired(schema, obj, "", causes, skipRootMeta: true);
        return causes;
    }

    private static bool PreservesUnknown(JsonObject schema) =>
        JsonUtil.Bool(schema["x-kubernetes-preserve-unknown-fields"]) == true;

    private static JsonNode? Walk(JsonObject schema, JsonNode? value, string path, List<StatusCause> causes, List<string> unknown)
    {
        if (value is null)
        {
            if (JsonUtil.Bool(schema["nullable"]) == true)
            {
                return null;
            }

            if (schema.ContainsKey("type"))
            {
                causes.Add(new StatusCause("FieldValueInvalid",
                    $"Invalid value: \"null\": {path} in body must be of type {JsonUtil.Str(schema, "type")}: \"null\"", path));
            }

            return null;
        }

        var type = JsonUtil.Str(schema, "type");
        var intOrString = JsonUtil.Bool(schema["x-kubernetes-int-or-string"]) == true;
        var actual = TypeOf(value);
        if (intOrString)
        {
            if (actual is not ("integer" or "string"))
            {
                causes.Add(TypeCause(path, value, "integer or string", actual));
                return value;
            }
        }
        else if (type is not null && !TypeMatches(type, actual))
        {
            causes.Add(TypeCause(path, value, type, actual));
            return value;
        }

        switch (value)
        {
            case JsonObject o:
                WalkObject(schema, o, path, causes, unknown);
                break;
            case JsonArray a:
                WalkArray(schema, a, path, causes, unknown);
                break;
            case JsonValue v:
                CheckScalar(schema, v, actual, path, causes);
                break;
        }

        return value;
    }

    private static void WalkObject(JsonObject schema, JsonObject o, string path, List<StatusCause> causes, List<string> unknown)
    {
        var props = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        foreach (var (key, child) in o.ToList())
        {
            var childPath = $"{path}.{key}";
            if (props?[key] is JsonObject sub)
            {
                Walk(sub, child, childPath, causes, unknown);
            }
            else if (additional is JsonObject addSchema)
            {
                Walk(addSchema, child, childPath, causes, unknown);
            }
            else if (JsonUtil.Bool(additional) == true)
            {
                // Free-form map: keep as is.
            }
            else if (props is not null && !PreservesUnknown(schema))
            {
                unknown.Add(childPath);
                o.Remove(key);
            }
        }

        ApplyDefaults(schema, o, skipRootMeta: false);
        CheckRequired(schema, o, path, causes, skipRootMeta: false);
        if (schema["minProperties"] is JsonValue minP && o.Count < (int)JsonUtil.Number(minP)!.Value)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {o.Count}: {path} in body should have at least {minP} properties", path));
        }
    }

    private static void WalkArray(JsonObject schema, JsonArray a, string path, List<StatusCause> causes, List<string> unknown)
    {
        if (schema["items"] is JsonObject itemSchema)
        {
            for (var i = 0; i < a.Count; i++)
            {
                Walk(itemSchema, a[i], $"{path}[{i}]", causes, unknown);
            }
        }

        if (schema["minItems"] is JsonValue min && a.Count < (int)JsonUtil.Number(min)!.Value)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {a.Count}: {path} in body should have at least {min} items", path));
        }

        if (schema["maxItems"] is JsonValue max && a.Count > (int)JsonUtil.Number(max)!.Value)
        {
            causes.Add(new StatusCause("FieldValueTooMany", $"Too many: {a.Count}: must have at most {max} items", path));
        }
    }

    private static void CheckScalar(JsonObject schema, JsonValue v, string actual, string path, List<StatusCause> causes)
    {
        var shown = Show(v);
        if (schema["enum"] is JsonArray allowed && !allowed.Any(e => JsonNode.DeepEquals(e, v)))
        {
            var list = string.Join(", ", allowed.Select(e => Show(e)));
            causes.Add(new StatusCause("FieldValueNotSupported", $"Unsupported value: {shown}: supported values: {list}", path));
        }

        if (actual is "integer" or "number")
        {
            var d = JsonUtil.Number(v)!.Value;
            if (schema["minimum"] is JsonValue min && d < JsonUtil.Number(min)!.Value)
            {
                causes.Add(new StatusCause("FieldValueInvalid",
                    $"Invalid value: {shown}: {path} in body should be greater than or equal to {Num(min)}", path));
            }

            if (schema["maximum"] is JsonValue max && d > JsonUtil.Number(max)!.Value)
            {
                causes.Add(new StatusCause("FieldValueInvalid",
                    $"Invalid value: {shown}: {path} in body should be less than or equal to {Num(max)}", path));
            }
        }

        if (actual == "string")
        {
            var s = v.GetValue<string>();
            if (schema["minLength"] is JsonValue minL && s.Length < (int)JsonUtil.Number(minL)!.Value)
            {
                causes.Add(new StatusCause("FieldValueInvalid",
                    $"Invalid value: {shown}: {path} in body should be at least {minL} chars long", path));
            }

            if (schema["maxLength"] is JsonValue maxL && s.Length > (int)JsonUtil.Number(maxL)!.Value)
            {
                causes.Add(new StatusCause("FieldValueTooLong", $"Too long: may not be longer than {maxL}", path));
            }

            // Go's regexp (RE2) runs in linear time; a backtracking match of a 1 MB string against a Go duration
            // pattern timed out and answered 500. NonBacktracking is the same guarantee.
            if (JsonUtil.Str(schema, "pattern") is { } pattern && !Regex.IsMatch(s, pattern, RegexOptions.NonBacktracking, TimeSpan.FromSeconds(5)))
            {
                causes.Add(new StatusCause("FieldValueInvalid",
                    $"Invalid value: {shown}: {path} in body should match '{pattern}'", path));
            }
        }
    }

    private static void ApplyDefaults(JsonObject schema, JsonObject o, bool skipRootMeta)
    {
        if (schema["properties"] is not JsonObject props)
        {
            return;
        }

        foreach (var (key, sub) in props)
        {
            if (skipRootMeta && key is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (!o.ContainsKey(key) && sub is JsonObject s && s.ContainsKey("default"))
            {
                o[key] = s["default"]?.DeepClone();
            }
        }
    }

    private static void CheckRequired(JsonObject schema, JsonObject o, string path, List<StatusCause> causes, bool skipRootMeta)
    {
        foreach (var req in JsonUtil.StringList(schema["required"]))
        {
            if (skipRootMeta && req is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            if (!o.ContainsKey(req))
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value", path == "" ? req : $"{path}.{req}"));
            }
        }
    }

    private static StatusCause TypeCause(string path, JsonNode value, string expected, string actual) =>
        new("FieldValueInvalid", $"Invalid value: {Show(value)}: {path} in body must be of type {expected}: \"{actual}\"", path);

    private static bool TypeMatches(string expected, string actual) =>
        expected == actual || (expected == "number" && actual == "integer");

    private static string TypeOf(JsonNode value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => "string",
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        JsonValue v when JsonUtil.Number(v) is { } d => d == Math.Floor(d) && Math.Abs(d) < 9e15 && !v.ToJsonString().Contains('.') ? "integer" : "number",
        _ => "unknown",
    };

    private static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => $"\"{s}\"",
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(),
    };

    private static string Num(JsonValue v) => JsonUtil.Number(v)!.Value.ToString(CultureInfo.InvariantCulture);
}
