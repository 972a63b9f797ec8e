using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>All served resources: the built-ins plus the versions of every installed CRD. Thread-safe.</summary>
internal sealed class ResourceRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<ResourceType>> _crdTypes = new();
    private List<ResourceType> _all;

    public ResourceRegistry()
    {
        _all = BuiltInResources.All().ToList();
    }

    public IReadOnlyList<ResourceType> All
    {
        get
        {
            lock (_gate)
            {
                return _all;
            }
        }
    }

    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    public ResourceType Get(string group, string version, string plural) =>
        Find(group, version, plural) ?? throw new InvalidOperationException($"resource {plural}.{group}/{version} is not registered");

    /// <summary>Any served version of a storage key, for internal work (GC, namespace cleanup).</summary>
    public ResourceType? ByStorageKey(string storageKey) => All.FirstOrDefault(t => t.StorageKey == storageKey);

    public ResourceType? ByKind(string apiVersion, string kind)
    {
        var (group, version) = SplitApiVersion(apiVersion);
        return All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind);
    }

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    /// <summary>Registers (or replaces) the versions served by a CRD object.</summary>
    public void RegisterCrd(JsonObject crd)
    {
        var types = TypesFromCrd(crd);
        var name = JsonUtil.Str(JsonUtil.Meta(crd), "name")!;
        lock (_gate)
        {
            _crdTypes[name] = types;
            Rebuild();
        }
    }

    public void UnregisterCrd(string name)
    {
        lock (_gate)
        {
            if (_crdTypes.Remove(name))
            {
                Rebuild();
            }
        }
    }

    private void Rebuild() => _all = BuiltInResources.All().Concat(_crdTypes.Values.SelectMany(v => v)).ToList();

    /// <summary>Validates a CRD the way apiextensions does for the fields the server relies on.</summary>
    public static List<StatusCause> ValidateCrd(JsonObject crd)
    {
        var causes = new List<StatusCause>();
        var spec = crd["spec"] as JsonObject;
        if (spec is null)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec"));
            return causes;
        }

        var group = JsonUtil.Str(spec, "group");
        var names = spec["names"] as JsonObject;
        var plural = JsonUtil.Str(names, "plural");
        if (string.IsNullOrEmpty(group))
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec.group"));
        }

        if (string.IsNullOrEmpty(plural))
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec.names.plural"));
        }

        if (string.IsNullOrEmpty(JsonUtil.Str(names, "kind")))
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec.names.kind"));
        }

        var scope = JsonUtil.Str(spec, "scope");
        if (scope is not ("Namespaced" or "Cluster"))
        {
            causes.Add(new StatusCause("FieldValueNotSupported",
                $"Unsupported value: \"{scope}\": supported values: \"Cluster\", \"Namespaced\"", "spec.scope"));
        }

        var versions = spec["versions"] as JsonArray;
        if (versions is null || versions.Count == 0)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value: must have exactly one version marked as storage version", "spec.versions"));
        }
        else if (versions.Count(v => JsonUtil.Bool(v?["storage"]) == true) != 1)
        {
            causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: must have exactly one version marked as storage version", "spec.versions"));
        }

        for (var i = 0; versions is not null && i < versions.Count; i++)
        {
            causes.AddRange(TransitionRules.Unsupported(versions[i]?["schema"]?["openAPIV3Schema"] as JsonObject, $"spec.versions[{i}].schema.openAPIV3Schema"));
        }

        var name = JsonUtil.Str(JsonUtil.Meta(crd), "name");
        if (group is not null && plural is not null && name != $"{plural}.{group}")
        {
            causes.Add(new StatusCause("FieldValueInvalid",
                $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        return causes;
    }

    private static List<ResourceType> TypesFromCrd(JsonObject crd)
    {
        var spec = (JsonObject)crd["spec"]!;
        var names = (JsonObject)spec["names"]!;
        var group = JsonUtil.Str(spec, "group")!;
        var plural = JsonUtil.Str(names, "plural")!;
        var kind = JsonUtil.Str(names, "kind")!;
        var singular = JsonUtil.Str(names, "singular") ?? kind.ToLowerInvariant();
        var namespaced = JsonUtil.Str(spec, "scope") == "Namespaced";
        var result = new List<ResourceType>();
        foreach (var v in (JsonArray)spec["versions"]!)
        {
            if (v is not JsonObject version || JsonUtil.Bool(version["served"]) == false)
            {
                continue;
            }

            var sub = new List<string>();
            if (version["subresources"] is JsonObject subs)
            {
                if (subs.ContainsKey("status"))
                {
                    sub.Add("status");
                }

            }

            var columns = new List<PrinterColumn>();
            if (version["additionalPrinterColumns"] is JsonArray cols)
            {
                foreach (var c in cols.OfType<JsonObject>())
                {
                    columns.Add(new PrinterColumn(
                        JsonUtil.Str(c, "name") ?? "",
                        JsonUtil.Str(c, "type") ?? "string",
                        JsonUtil.Str(c, "jsonPath") ?? "",
                        JsonUtil.Str(c, "description") ?? "",
                        (int)(JsonUtil.Long(c, "priority") ?? 0),
                        JsonUtil.Str(c, "format")));
                }
            }

            result.Add(new ResourceType
            {
                Group = group,
                Version = JsonUtil.Str(version, "name")!,
                Plural = plural,
                Singular = singular,
                Kind = kind,
                Namespaced = namespaced,
                ShortNames = JsonUtil.StringList(names["shortNames"]).ToArray(),
                Categories = JsonUtil.StringList(names["categories"]).ToArray(),
                Subresources = sub.ToArray(),
                IsCustom = true,
                TracksGeneration = true,
                Schema = JsonUtil.Materialize(version["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject),
                PrinterColumns = columns,
            });
        }

        return result;
    }
}
