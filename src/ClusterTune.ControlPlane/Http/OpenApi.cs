using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// A minimal OpenAPI v3 discovery (/openapi/v3 and one document per group-version). kubectl apply reads it to learn
/// that PATCH accepts <c>fieldValidation</c> (so it validates server-side instead of downloading /openapi/v2).
/// </summary>
internal static class OpenApi
{
    public static JsonObject Root(IReadOnlyList<ResourceType> all)
    {
        var paths = new JsonObject();
        foreach (var gv in all.Select(t => (t.Group, t.Version)).Distinct())
        {
            var rel = gv.Group == "" ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
            paths[rel] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{rel}?hash={Hash(all, gv.Group, gv.Version)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    private static string Hash(IReadOnlyList<ResourceType> all, string group, string version)
    {
        var doc = GroupVersion(all, group, version)?.ToJsonString() ?? "";
        return Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(doc)))[..32];
    }

    public static JsonObject? GroupVersion(IReadOnlyList<ResourceType> all, string group, string version)
    {
        var types = all.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in types.Where(t => t.Verbs.Contains("patch")))
        {
            var prefix = group == "" ? $"/api/{version}" : $"/apis/{group}/{version}";
            var path = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"{prefix}/{t.Plural}/{{name}}";
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = t.Kind };
            paths[path] = new JsonObject
            {
                ["patch"] = new JsonObject
                {
                    ["operationId"] = $"patch{t.Kind}",
                    ["parameters"] = new JsonArray(
                        Query("dryRun"),
                        Query("fieldManager"),
                        Query("fieldValidation"),
                        Query("force")),
                    ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    ["x-kubernetes-action"] = "patch",
                    ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
                },
            };
            if (t.Schema is { } schema)
            {
                var s = (JsonObject)schema.DeepClone();
                s["x-kubernetes-group-version-kind"] = new JsonArray(gvk.DeepClone());
                schemas[$"{(group == "" ? "io.k8s.api.core" : string.Join('.', group.Split('.').Reverse()))}.{version}.{t.Kind}"] = s;
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static JsonObject Query(string name) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
