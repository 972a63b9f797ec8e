using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Http;

/// <summary>A request path resolved to a resource (or a discovery document) plus namespace, name and subresource.</summary>
internal sealed record ApiRoute(
    string Group,
    string Version,
    string Plural,
    ResourceType? Type,
    string? Namespace,
    string? Name,
    string? Subresource,
    string? Discovery)
{
    /// <summary>Parses /api/v1/... and /apis/G/V/...; returns null for paths that are not API paths at all.</summary>
    public static ApiRoute? Parse(string path, ResourceRegistry registry)
    {
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segs.Length == 0)
        {
            return null;
        }

        string group, version;
        int rest;
        if (segs[0] == "api")
        {
            if (segs.Length == 1)
            {
                return new ApiRoute("", "", "", null, null, null, null, "api");
            }

            group = "";
            version = segs[1];
            rest = 2;
        }
        else if (segs[0] == "apis")
        {
            if (segs.Length == 1)
            {
                return new ApiRoute("", "", "", null, null, null, null, "apis");
            }

            if (segs.Length == 2)
            {
                return new ApiRoute(segs[1], "", "", null, null, null, null, "group");
            }

            group = segs[1];
            version = segs[2];
            rest = 3;
        }
        else
        {
            return null;
        }

        var r = segs[rest..];
        if (r.Length == 0)
        {
            return new ApiRoute(group, version, "", null, null, null, null, "resources");
        }

        string? ns = null;
        string plural;
        string? name = null;
        string? sub = null;
        if (group == "" && r[0] == "namespaces" && (r.Length <= 2 || (r.Length == 3 && r[2] is "status" or "finalize")))
        {
            plural = "namespaces";
            name = r.Length >= 2 ? r[1] : null;
            sub = r.Length == 3 ? r[2] : null;
        }
        else if (r[0] == "namespaces" && r.Length >= 3)
        {
            ns = r[1];
            plural = r[2];
            name = r.Length >= 4 ? r[3] : null;
            sub = r.Length >= 5 ? string.Join('/', r[4..]) : null;
        }
        else
        {
            plural = r[0];
            name = r.Length >= 2 ? r[1] : null;
            sub = r.Length >= 3 ? string.Join('/', r[2..]) : null;
        }

        var type = registry.Find(group, version, plural);
        if (type is not null && (type.Namespaced ? ns is null && name is not null : ns is not null))
        {
            // A namespaced resource addressed without a namespace can only be listed/watched across namespaces.
            type = null;
        }

        if (type is not null && sub is not null && !type.Subresources.Contains(sub))
        {
            type = null;
        }

        return new ApiRoute(group, version, plural, type, ns, name, sub, null);
    }
}
