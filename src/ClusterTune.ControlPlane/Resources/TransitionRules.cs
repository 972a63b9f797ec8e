using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>
/// The CEL transition rules of a CRD schema (`x-kubernetes-validations` that compare self with oldSelf), evaluated on
/// update where kube-apiserver evaluates them: at a node present in both the stored and the new object. Only the
/// immutability forms are understood — `self == oldSelf` and `has(self.f) == has(oldSelf.f)` — and a CRD with any
/// other rule is refused at install, so a rule is never silently skipped.
/// </summary>
internal static partial class TransitionRules
{
    /// <summary>The rules of <paramref name="schema"/> this server cannot evaluate, as causes against the CRD.</summary>
    public static List<StatusCause> Unsupported(JsonObject? schema, string path)
    {
        var causes = new List<StatusCause>();
        foreach (var (node, at) in Nodes(schema, path))
        {
            foreach (var (rule, _) in Rules(node))
            {
                if (rule != "self == oldSelf" && !HasRule().IsMatch(rule))
                {
                    causes.Add(new StatusCause("FieldValueNotSupported",
                        $"Unsupported value: \"{rule}\": the embedded API server evaluates only \"self == oldSelf\" and \"has(self.f) == has(oldSelf.f)\"", at + ".x-kubernetes-validations"));
                }
            }
        }

        return causes;
    }

    /// <summary>The violations of <paramref name="schema"/>'s transition rules by an update from <paramref name="old"/> to <paramref name="next"/>.</summary>
    public static List<StatusCause> Check(JsonObject schema, JsonObject old, JsonObject next)
    {
        var causes = new List<StatusCause>();
        Walk(schema, old, next, "", causes);
        return causes;
    }

    private static void Walk(JsonObject schema, JsonNode? old, JsonNode? next, string path, List<StatusCause> causes)
    {
        if (old is null || next is null)
        {
            return;
        }

        foreach (var (rule, message) in Rules(schema))
        {
            var ok = HasRule().Match(rule) is { Success: true } m
                ? old is JsonObject o && next is JsonObject n && o.ContainsKey(m.Groups[1].Value) == n.ContainsKey(m.Groups[1].Value)
                : JsonNode.DeepEquals(old, next);
            if (!ok)
            {
                var type = next switch { JsonObject => "object", JsonArray => "array", _ => "string" };
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{type}\": {message}", path.TrimStart('.')));
            }
        }

        if (schema["properties"] is JsonObject props && old is JsonObject oldObj && next is JsonObject nextObj)
        {
            foreach (var (key, sub) in props)
            {
                if (sub is JsonObject subSchema && key is not "metadata")
                {
                    Walk(subSchema, oldObj[key], nextObj[key], $"{path}.{key}", causes);
                }
            }
        }
    }

    private static IEnumerable<(string Rule, string Message)> Rules(JsonObject schema) =>
        (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => (JsonUtil.Str(r, "rule") ?? "", JsonUtil.Str(r, "message") ?? $"failed rule: {JsonUtil.Str(r, "rule")}"));

    private static IEnumerable<(JsonObject Node, string Path)> Nodes(JsonObject? schema, string path)
    {
        if (schema is null)
        {
            yield break;
        }

        yield return (schema, path);
        var children = (schema["properties"] as JsonObject ?? []).Select(p => (p.Value as JsonObject, $"{path}.properties.{p.Key}"))
            .Append((schema["items"] as JsonObject, path + ".items"))
            .Append((schema["additionalProperties"] as JsonObject, path + ".additionalProperties"));
        foreach (var (child, at) in children)
        {
            foreach (var n in Nodes(child, at))
            {
                yield return n;
            }
        }
    }

    [GeneratedRegex(@"^has\(self\.([A-Za-z_][A-Za-z0-9_]*)\) == has\(oldSelf\.\1\)$")]
    private static partial Regex HasRule();
}
