using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Json;

/// <summary>Thrown when a JSON patch cannot be applied (bad op, missing path, failed test).</summary>
internal sealed class PatchFailedException(string message) : Exception(message);

/// <summary>RFC 6902 JSON patch and the subset of strategic merge patch ClusterTune needs (RFC 7386 merge patch: ClusterTune.Kubernetes.Patching.MergePatch, shared with the client).</summary>
internal static class Patches
{
    // Lists of built-in types that strategic merge patch merges by key (from the Go struct tags).
    private static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["containerStatuses"] = "name",
        ["initContainerStatuses"] = "name",
        ["conditions"] = "type",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["ports"] = "containerPort",
        ["ownerReferences"] = "uid",
        ["addresses"] = "type",
        ["imagePullSecrets"] = "name",
    };

    // Primitive lists with patchStrategy "merge" (union instead of replace).
    private static readonly HashSet<string> MergedPrimitiveLists = ["finalizers"];

    public static JsonNode? StrategicMergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        if (p["$patch"] is JsonValue directive && directive.GetValue<string>() == "replace")
        {
            var replaced = (JsonObject)p.DeepClone();
            replaced.Remove("$patch");
            return replaced;
        }

        foreach (var (key, value) in p)
        {
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key is "$retainKeys" or "$patch")
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray existing)
                {
                    var remove = JsonUtil.StringList(value).ToHashSet();
                    var kept = new JsonArray(existing.Where(e => !remove.Contains(JsonUtil.ScalarText(e) ?? "")).Select(e => e?.DeepClone()).ToArray());
                    result[field] = kept;
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonArray arr && MergeKeys.TryGetValue(key, out var mergeKey) && result[key] is JsonArray current)
            {
                result[key] = MergeList(current, arr, mergeKey);
            }
            else if (value is JsonArray prim && MergedPrimitiveLists.Contains(key) && result[key] is JsonArray currentPrim)
            {
                var union = currentPrim.Select(e => e?.DeepClone()).ToList();
                foreach (var item in prim)
                {
                    if (!union.Any(u => JsonNode.DeepEquals(u, item)))
                    {
                        union.Add(item?.DeepClone());
                    }
                }

                result[key] = new JsonArray(union.ToArray());
            }
            else
            {
                result[key] = StrategicMergePatch(result[key], value);
            }
        }

        return result;
    }

    private static JsonArray MergeList(JsonArray current, JsonArray patch, string mergeKey)
    {
        var items = current.Select(e => e?.DeepClone()).ToList();
        foreach (var item in patch)
        {
            if (item is not JsonObject po)
            {
                items.Add(item?.DeepClone());
                continue;
            }

            var keyValue = JsonUtil.ScalarText(po[mergeKey]);
            var index = items.FindIndex(e => e is JsonObject eo && JsonUtil.ScalarText(eo[mergeKey]) == keyValue);
            var isDelete = po["$patch"] is JsonValue d && d.GetValue<string>() == "delete";
            if (isDelete)
            {
                if (index >= 0)
                {
                    items.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                items[index] = StrategicMergePatch(items[index], po);
            }
            else
            {
                items.Add(StrategicMergePatch(null, po));
            }
        }

        return new JsonArray(items.ToArray());
    }

    public static JsonNode? JsonPatch(JsonNode? target, JsonArray ops)
    {
        var doc = target?.DeepClone();
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op)
            {
                throw new PatchFailedException("each JSON patch operation must be an object");
            }

            var name = JsonUtil.Str(op, "op") ?? throw new PatchFailedException("JSON patch operation is missing \"op\"");
            var path = JsonUtil.Str(op, "path") ?? throw new PatchFailedException("JSON patch operation is missing \"path\"");
            switch (name)
            {
                case "add":
                    doc = Add(doc, Pointer(path), Value(op));
                    break;
                case "remove":
                    doc = Remove(doc, Pointer(path));
                    break;
                case "replace":
                    doc = Remove(doc, Pointer(path));
                    doc = Add(doc, Pointer(path), Value(op));
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, Pointer(path)), op["value"]))
                    {
                        throw new PatchFailedException($"testing value {path} failed");
                    }

                    break;
                case "move":
                    {
                        var from = Pointer(JsonUtil.Str(op, "from") ?? throw new PatchFailedException("move needs \"from\""));
                        var v = Get(doc, from)?.DeepClone();
                        doc = Remove(doc, from);
                        doc = Add(doc, Pointer(path), v);
                        break;
                    }

                case "copy":
                    {
                        var from = Pointer(JsonUtil.Str(op, "from") ?? throw new PatchFailedException("copy needs \"from\""));
                        doc = Add(doc, Pointer(path), Get(doc, from)?.DeepClone());
                        break;
                    }

                default:
                    throw new PatchFailedException($"unknown JSON patch op \"{name}\"");
            }
        }

        return doc;
    }

    private static JsonNode? Value(JsonObject op)
    {
        if (!op.ContainsKey("value"))
        {
            throw new PatchFailedException("JSON patch operation is missing \"value\"");
        }

        return op["value"]?.DeepClone();
    }

    private static string[] Pointer(string path)
    {
        if (path == "")
        {
            return [];
        }

        if (!path.StartsWith('/'))
        {
            throw new PatchFailedException($"invalid JSON pointer \"{path}\"");
        }

        return path[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToArray();
    }

    private static JsonNode? Get(JsonNode? doc, string[] parts)
    {
        var node = doc;
        foreach (var part in parts)
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(part) => o[part],
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new PatchFailedException($"path /{string.Join('/', parts)} does not exist"),
            };
        }

        return node;
    }

    private static JsonNode? Add(JsonNode? doc, string[] parts, JsonNode? value)
    {
        if (parts.Length == 0)
        {
            return value;
        }

        var parent = Get(doc, parts[..^1]);
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new PatchFailedException($"cannot add at /{string.Join('/', parts)}");
        }

        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, string[] parts)
    {
        if (parts.Length == 0)
        {
            return null;
        }

        var parent = Get(doc, parts[..^1]);
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new PatchFailedException($"path /{string.Join('/', parts)} does not exist");
        }

        return doc;
    }
}
