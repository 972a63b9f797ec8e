using System.Text.Json.Nodes;

namespace ClusterTune.Kubernetes.Patching;

/// <summary>Builds RFC 7386 JSON merge patches (maps merge, null deletes, lists replace whole).</summary>
public static class MergePatch
{
    /// <summary>The smallest merge patch that turns <paramref name="original"/> into <paramref name="modified"/>.</summary>
    public static JsonObject Diff<T>(T original, T modified) =>
        Diff(PatchJson.ToNode(original)!.AsObject(), PatchJson.ToNode(modified)!.AsObject());

    /// <summary>The smallest merge patch that turns one JSON object into another.</summary>
    public static JsonObject Diff(JsonObject original, JsonObject modified)
    {
        var patch = new JsonObject();
        foreach (var (key, oldValue) in original)
        {
            if (!modified.ContainsKey(key))
            {
                patch[key] = null;
            }
        }
        foreach (var (key, newValue) in modified)
        {
            original.TryGetPropertyValue(key, out var oldValue);
            if (newValue is JsonObject newObj && oldValue is JsonObject oldObj)
            {
                var sub = Diff(oldObj, newObj);
                if (sub.Count > 0)
                {
                    patch[key] = sub;
                }
            }
            else if (!JsonNode.DeepEquals(oldValue, newValue))
            {
                patch[key] = newValue?.DeepClone();
            }
        }
        return patch;
    }

    /// <summary>Adds metadata.resourceVersion, which makes the server reject the patch with 409 if the object moved on.</summary>
    public static JsonObject WithResourceVersion(JsonObject patch, string resourceVersion)
    {
        if (string.IsNullOrEmpty(resourceVersion))
        {
            throw new ArgumentException("A resourceVersion precondition needs a non-empty resourceVersion (take it from the object you read).", nameof(resourceVersion));
        }

        if (patch["metadata"] is not JsonObject meta)
        {
            meta = new JsonObject();
            patch["metadata"] = meta;
        }
        meta["resourceVersion"] = resourceVersion;
        return patch;
    }

    /// <summary>A patch setting the whole status stanza: {"status": status}.</summary>
    public static JsonObject ForStatus<TStatus>(TStatus status) =>
        new() { ["status"] = PatchJson.ToNode(status) };

    /// <summary>Applies a merge patch to a document (RFC 7386 semantics), returning a new tree.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObj)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (key, value) in patchObj)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }
        return result;
    }

    /// <summary>True when the patch carries metadata.resourceVersion (so repeating it cannot apply twice).</summary>
    internal static bool HasResourceVersion(JsonNode patch) =>
        patch is JsonObject o && o["metadata"] is JsonObject m && m["resourceVersion"] is JsonValue v && v.ToString().Length > 0;
}
