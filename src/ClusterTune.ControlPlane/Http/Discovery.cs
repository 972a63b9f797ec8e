using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Legacy (unaggregated) discovery documents: /api, /api/v1, /apis, /apis/G, /apis/G/V, /version.</summary>
internal static class Discovery
{
    public static JsonObject Versions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(IReadOnlyList<ResourceType> all)
    {
        var groups = new JsonArray();
        foreach (var g in all.Where(t => t.Group != "").Select(t => t.Group).Distinct())
        {
            groups.Add(Group(all, g));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? GroupDocument(IReadOnlyList<ResourceType> all, string group)
    {
        if (all.All(t => t.Group != group))
        {
            return null;
        }

        var g = Group(all, group);
        g["kind"] = "APIGroup";
        g["apiVersion"] = "v1";
        return g;
    }

    private static JsonObject Group(IReadOnlyList<ResourceType> all, string group)
    {
        var versions = all.Where(t => t.Group == group).Select(t => t.Version).Distinct().ToList();
        var preferred = versions.OrderByDescending(VersionPriority).First();
        var arr = new JsonArray();
        foreach (var v in versions.OrderByDescending(VersionPriority))
        {
            arr.Add(new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v });
        }

        return new JsonObject
        {
            ["name"] = group,
            ["versions"] = arr,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{preferred}", ["version"] = preferred },
        };
    }

    /// <summary>Kubernetes version priority: GA over beta over alpha, higher numbers first.</summary>
    public static int VersionPriority(string v)
    {
        var m = System.Text.RegularExpressions.Regex.Match(v, "^v(\\d+)(?:(alpha|beta)(\\d+))?$");
        if (!m.Success)
        {
            return 0;
        }

        var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stage = m.Groups[2].Value switch { "alpha" => 1, "beta" => 2, _ => 3 };
        var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 1_000_000) + (major * 1_000) + minor;
    }

    public static JsonObject? ResourceList(IReadOnlyList<ResourceType> all, string group, string version)
    {
        var types = all.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray(t.Verbs.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            };
            if (t.ShortNames.Length > 0)
            {
                r["shortNames"] = new JsonArray(t.ShortNames.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            }

            if (t.Categories.Length > 0)
            {
                r["categories"] = new JsonArray(t.Categories.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            }

            r["storageVersionHash"] = StableHash(t.StorageKey);
            resources.Add(r);
            foreach (var sub in t.Subresources)
            {
                var (kind, verbs, subGroup, subVersion) = sub switch
                {
                    "binding" => ("Binding", new[] { "create" }, "", "v1"),
                    "log" => ("Pod", new[] { "get" }, "", "v1"),
                    "finalize" => ("Namespace", new[] { "update" }, "", "v1"),
                    "scale" => ("Scale", new[] { "get", "patch", "update" }, "autoscaling", "v1"),
                    _ => (t.Kind, new[] { "get", "patch", "update" }, (string?)null, (string?)null),
                };
                var s = new JsonObject
                {
                    ["name"] = $"{t.Plural}/{sub}",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                };
                if (subGroup is not null && subGroup != t.Group)
                {
                    s["group"] = subGroup;
                    s["version"] = subVersion;
                }

                s["kind"] = kind;
                s["verbs"] = new JsonArray(verbs.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
                resources.Add(s);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group == "" ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static string StableHash(string s)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s));
        return Convert.ToBase64String(bytes, 0, 8);
    }

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-clustertune",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}
