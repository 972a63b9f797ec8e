using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;

namespace ClusterTune.ControlPlane.Json;

/// <summary>Who wrote: a field manager and whether the write was a server-side apply (else an Update).</summary>
internal sealed record FieldOwner(string Manager, bool Apply = false, bool Force = false);

/// <summary>
/// Server-side apply's field ownership (metadata.managedFields, FieldsV1 format) over JSON objects. Maps are granular,
/// lists are atomic (what CRDs without x-kubernetes-list-type get; keyed lists of built-in types are owned whole here).
/// A path is the field names from the root joined by <see cref="Sep"/>; "." marks a map its manager created.
/// </summary>
internal static class ManagedFields
{
    private const char Sep = '\u001f';
    private const string Marker = ".";

    // Metadata the server owns: never tracked, never applied.
    private static readonly HashSet<string> ServerMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink"];

    private sealed record Entry(string Manager, string Operation, string ApiVersion, string Time, string? Subresource, HashSet<string> Fields)
    {
        public bool SameOwner(Entry o) => Manager == o.Manager && Operation == o.Operation && Subresource == o.Subresource;
    }

    /// <summary>
    /// Server-side apply of <paramref name="applied"/> onto <paramref name="live"/> (null on create). Returns the merged
    /// object with its managedFields; throws 409 on conflicts with other managers unless forced.
    /// </summary>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, FieldOwner owner, string apiVersion, string? subresource, bool hasStatus, string now)
    {
        var config = Tracked((JsonObject)applied.DeepClone(), subresource, hasStatus);
        var entries = live is null ? [] : Read(live);
        var me = new Entry(owner.Manager, "Apply", apiVersion, now, subresource, Leaves(config, "", markers: false).ToHashSet());
        var result = (JsonObject)(live ?? applied).DeepClone();

        var conflicts = new List<(Entry Other, string Path)>();
        foreach (var path in me.Fields.Order(StringComparer.Ordinal))
        {
            var current = At(result, path);
            if (current is null || JsonNode.DeepEquals(current, At(config, path)))
            {
                continue;
            }

            conflicts.AddRange(entries.Where(e => !e.SameOwner(me) && e.Fields.Contains(path)).Select(e => (e, path)));
        }

        if (conflicts.Count > 0 && !owner.Force)
        {
            throw Conflict(conflicts);
        }

        foreach (var (other, path) in conflicts)
        {
            other.Fields.Remove(path);
        }

        var previous = entries.FirstOrDefault(e => e.SameOwner(me));
        Merge(result, config);
        foreach (var path in previous?.Fields ?? [])
        {
            // A field this manager applied before and no longer does goes away, unless someone else still owns it.
            if (!me.Fields.Contains(path) && !entries.Any(e => !e.SameOwner(me) && e.Fields.Contains(path)))
            {
                Remove(result, path);
            }
        }

        entries.RemoveAll(e => e.SameOwner(me));
        entries.Add(previous is not null && previous.Fields.SetEquals(me.Fields) ? previous with { } : me);
        Write(result, entries);
        return result;
    }

    /// <summary>
    /// Records a non-apply write: the fields it added or changed become <paramref name="owner"/>'s Update entry (and
    /// leave other managers), removed fields leave every manager. Without an owner only removals are recorded.
    /// </summary>
    public static void Update(JsonObject? old, JsonObject next, FieldOwner? owner, string apiVersion, string? subresource, bool hasStatus, string now)
    {
        var entries = old is null ? [] : Read(old);
        var before = old is null ? new JsonObject() : Tracked((JsonObject)old.DeepClone(), subresource, hasStatus);
        var after = Tracked((JsonObject)next.DeepClone(), subresource, hasStatus);
        var beforeLeaves = Leaves(before, "", markers: true).ToHashSet();
        var afterLeaves = Leaves(after, "", markers: true).ToHashSet();
        var changed = afterLeaves.Where(p => !beforeLeaves.Contains(p) || !JsonNode.DeepEquals(At(before, p), At(after, p))).ToHashSet();
        var removed = beforeLeaves.Where(p => !afterLeaves.Contains(p)).ToHashSet();
        foreach (var e in entries)
        {
            e.Fields.ExceptWith(removed);
            if (owner is not null)
            {
                e.Fields.ExceptWith(changed);
            }
        }

        if (owner is not null && changed.Count > 0)
        {
            var me = new Entry(owner.Manager, "Update", apiVersion, now, subresource, changed);
            var previous = entries.FirstOrDefault(e => e.SameOwner(me));
            if (previous is not null)
            {
                me.Fields.UnionWith(previous.Fields);
                entries.Remove(previous);
            }

            entries.Add(me);
        }

        Write(next, entries);
    }

    /// <summary>The part of an object a write to the main resource or a subresource may own.</summary>
    private static JsonObject Tracked(JsonObject obj, string? subresource, bool hasStatus)
    {
        obj.Remove("apiVersion");
        obj.Remove("kind");
        if (subresource == "status")
        {
            foreach (var key in obj.Select(kv => kv.Key).Where(k => k != "status").ToList())
            {
                obj.Remove(key);
            }
        }
        else if (hasStatus)
        {
            obj.Remove("status");
        }

        if (obj["metadata"] is JsonObject meta)
        {
            foreach (var key in ServerMetadata)
            {
                meta.Remove(key);
            }

            if (meta.Count == 0)
            {
                obj.Remove("metadata");
            }
        }

        return obj;
    }

    /// <summary>
    /// Leaf paths (scalars, lists, empty maps); with markers also "." for every map below the top level, which is how
    /// an Update entry records the maps it created (kept only for maps that are new).
    /// </summary>
    private static IEnumerable<string> Leaves(JsonObject obj, string prefix, bool markers)
    {
        foreach (var (key, value) in obj)
        {
            var path = prefix.Length == 0 ? key : prefix + Sep + key;
            if (value is JsonObject { Count: > 0 } child)
            {
                if (markers && path != "metadata")
                {
                    yield return path + Sep + Marker;
                }

                foreach (var leaf in Leaves(child, path, markers))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var seg in path.Split(Sep))
        {
            if (seg == Marker)
            {
                // A map marker "changes" only when the map is new: compare presence, not content.
                return node is JsonObject ? JsonValue.Create(true) : null;
            }

            node = (node as JsonObject)?[seg];
        }

        return node;
    }

    private static void Remove(JsonObject root, string path)
    {
        var segs = path.Split(Sep);
        if (segs[^1] == Marker)
        {
            return;
        }

        var parents = new List<JsonObject> { root };
        for (var i = 0; i < segs.Length - 1; i++)
        {
            if (parents[^1][segs[i]] is not JsonObject next)
            {
                return;
            }

            parents.Add(next);
        }

        parents[^1].Remove(segs[^1]);
        for (var i = parents.Count - 1; i > 0 && parents[i].Count == 0; i--)
        {
            // Maps emptied by the removal go too (the applier created them; anyone else's fields would remain).
            parents[i - 1].Remove(segs[i - 1]);
        }
    }

    private static void Merge(JsonObject target, JsonObject config)
    {
        foreach (var (key, value) in config)
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static List<Entry> Read(JsonObject obj)
    {
        var entries = new List<Entry>();
        foreach (var e in (obj["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var fields = new HashSet<string>();
            FromFieldsV1(e["fieldsV1"] as JsonObject, "", fields);
            entries.Add(new Entry(JsonUtil.Str(e, "manager") ?? "", JsonUtil.Str(e, "operation") ?? "Update", JsonUtil.Str(e, "apiVersion") ?? "",
                JsonUtil.Str(e, "time") ?? "", JsonUtil.Str(e, "subresource"), fields));
        }

        return entries;
    }

    private static void Write(JsonObject obj, List<Entry> entries)
    {
        var meta = JsonUtil.Meta(obj);
        var list = new JsonArray();
        foreach (var e in entries.Where(e => e.Fields.Count > 0))
        {
            var o = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = ToFieldsV1(e.Fields),
            };
            if (e.Subresource is not null)
            {
                o["subresource"] = e.Subresource;
            }

            list.Add(o);
        }

        if (list.Count > 0)
        {
            meta["managedFields"] = list;
        }
        else
        {
            meta.Remove("managedFields");
        }
    }

    private static JsonObject ToFieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var seg in path.Split(Sep))
            {
                var key = seg == Marker ? Marker : "f:" + seg;
                if (node[key] is not JsonObject next)
                {
                    next = new JsonObject();
                    node[key] = next;
                }

                node = next;
            }
        }

        return root;
    }

    private static void FromFieldsV1(JsonObject? node, string prefix, HashSet<string> paths)
    {
        foreach (var (key, value) in node ?? [])
        {
            var seg = key == Marker ? Marker : key.StartsWith("f:", StringComparison.Ordinal) ? key[2..] : null;
            if (seg is null)
            {
                continue;
            }

            var path = prefix.Length == 0 ? seg : prefix + Sep + seg;
            if (value is JsonObject { Count: > 0 } child)
            {
                FromFieldsV1(child, path, paths);
            }
            else
            {
                paths.Add(path);
            }
        }
    }

    /// <summary>The apply conflict Status, worded as kube-apiserver's fieldmanager does.</summary>
    private static ApiException Conflict(List<(Entry Other, string Path)> conflicts)
    {
        static string Who(Entry e) => e.Operation == "Update" ? $"\"{e.Manager}\" using {e.ApiVersion}" : $"\"{e.Manager}\"";
        static string Field(string path) => "." + path.Replace(Sep, '.');
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {Who(conflicts[0].Other)}: {Field(conflicts[0].Path)}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => Who(c.Other)).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => new[] { $"conflicts with {g.Key}:" }.Concat(g.Select(c => $"- {Field(c.Path)}")));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }

        var causes = new JsonArray(conflicts.Select(c => (JsonNode?)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = $"conflict with {Who(c.Other)}",
            ["field"] = Field(c.Path),
        }).ToArray());
        return new ApiException(409, Errors.Status(409, "Conflict", message, new JsonObject { ["causes"] = causes }));
    }
}
