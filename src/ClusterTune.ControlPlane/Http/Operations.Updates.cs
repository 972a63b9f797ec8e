using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;
using ClusterTune.Kubernetes.Patching;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Updates (PUT, /status) and patches (merge, JSON, strategic, apply) of stored objects.</summary>
internal sealed partial class Operations
{
    /// <summary>PUT on the main resource or on /status.</summary>
    public JsonObject Update(ResourceType type, string? ns, string name, JsonObject body, string? subresource, bool strictFields, FieldOwner? owner = null)
    {
        NormalizeTypeMeta(type, body);
        body = ToStorage(type, body);
        var bodyName = JsonUtil.Str(JsonUtil.Meta(body), "name");
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw Errors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        lock (store.Gate)
        {
            var old = Get(type, ns, name);
            var rv = JsonUtil.Str(JsonUtil.Meta(body), "resourceVersion");
            if (string.IsNullOrEmpty(rv))
            {
                if (type.IsCustom || type.Plural == "customresourcedefinitions")
                {
                    var details = new List<StatusCause> { new("FieldValueInvalid", "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion") };
                    throw Errors.Invalid(type, name, details, useKind: false);
                }
            }
            else if (rv != JsonUtil.Str(old["metadata"], "resourceVersion"))
            {
                throw Errors.Conflict(type, name);
            }

            return Commit(type, ns, name, old, body, subresource, strictFields, owner);
        }
    }

    /// <summary>PATCH on the main resource or /status, with the patch types a real server accepts for the type.</summary>
    /// <remarks>
    /// <paramref name="owner"/> is the request's field manager; for an apply patch it must come from ?fieldManager=
    /// (an empty manager answers 422), for other patches it may be derived from the User-Agent.
    /// </remarks>
    public JsonObject Patch(ResourceType type, string? ns, string name, string contentType, string patchText, string? subresource, FieldOwner? owner)
    {
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        var builtIn = !type.IsCustom;
        if (mediaType is not ("application/merge-patch+json" or "application/json-patch+json" or "application/apply-patch+yaml")
            && !(builtIn && mediaType == "application/strategic-merge-patch+json"))
        {
            throw Errors.UnsupportedPatch(builtIn);
        }

        var isApply = mediaType == "application/apply-patch+yaml";
        if (isApply && string.IsNullOrEmpty(owner?.Manager))
        {
            throw Errors.InvalidOptions("PatchOptions", [new StatusCause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager")]);
        }

        JsonNode? patch;
        try
        {
            patch = mediaType == "application/apply-patch+yaml"
                ? YamlJson.ParseDocuments(patchText).FirstOrDefault()
                : JsonNode.Parse(patchText);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw Errors.BadRequest($"error decoding patch: {e.Message}");
        }

        lock (store.Gate)
        {
            var old = store.Get(type.StorageKey, ObjectStore.KeyOf(ns, name));
            if (old is null)
            {
                if (isApply && subresource is null && patch is JsonObject applyBody)
                {
                    // Server-side apply creates the object when it does not exist yet.
                    JsonUtil.Meta(applyBody)["name"] = name;
                    return Create(type, ns, applyBody, strictFields: false, owner! with { Apply = true });
                }

                throw Errors.NotFound(type, name);
            }

            // The patch applies to the object as the request's version shows it.
            var view = type.FromStorage?.Invoke(old) ?? old;
            JsonNode? patched;
            switch (mediaType)
            {
                case "application/json-patch+json":
                    if (patch is not JsonArray ops)
                    {
                        throw Errors.BadRequest("a JSON patch must be an array of operations");
                    }

                    try
                    {
                        patched = Patches.JsonPatch(view, ops);
                    }
                    catch (PatchFailedException)
                    {
                        throw Errors.PatchRejected();
                    }

                    break;
                case "application/strategic-merge-patch+json":
                    patched = Patches.StrategicMergePatch(view, patch);
                    break;
                case "application/apply-patch+yaml":
                    if (patch is not JsonObject applied)
                    {
                        throw Errors.BadRequest("an apply patch must be one object (YAML or JSON)");
                    }

                    patched = ManagedFields.Apply(view, applied, owner! with { Apply = true }, type.ApiVersion, subresource, type.HasStatus, Now());
                    break;
                default:
                    if (patch is not JsonObject)
                    {
                        throw Errors.BadRequest("a merge patch must be a JSON object");
                    }

                    patched = MergePatch.Apply(view, patch);
                    break;
            }

            if (patched is not JsonObject patchedObj)
            {
                throw Errors.PatchRejected();
            }

            var rv = JsonUtil.Str(JsonUtil.Meta(patchedObj), "resourceVersion");
            if (!string.IsNullOrEmpty(rv) && rv != JsonUtil.Str(old["metadata"], "resourceVersion"))
            {
                throw Errors.Conflict(type, name);
            }

            NormalizeTypeMeta(type, patchedObj);
            return Commit(type, ns, name, old, ToStorage(type, patchedObj), subresource, strictFields: false, isApply ? owner! with { Apply = true } : owner);
        }
    }

    private JsonObject Commit(ResourceType type, string? ns, string name, JsonObject old, JsonObject body, string? subresource, bool strictFields, FieldOwner? owner)
    {
        JsonObject next;
        if (subresource == "status")
        {
            next = (JsonObject)old.DeepClone();
            if (body["status"] is { } status)
            {
                next["status"] = status.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        else
        {
            next = (JsonObject)body.DeepClone();
            if (type.HasStatus)
            {
                if (old["status"] is { } oldStatus)
                {
                    next["status"] = oldStatus.DeepClone();
                }
                else
                {
                    next.Remove("status");
                }
            }
        }

        var meta = JsonUtil.Meta(next);
        var oldMeta = (JsonObject)old["metadata"]!;
        foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "name", "namespace", "resourceVersion" })
        {
            if (oldMeta[field] is { } v)
            {
                meta[field] = v.DeepClone();
            }
            else
            {
                meta.Remove(field);
            }
        }

        // An apply computed its managedFields already; any other write keeps the stored ones and records its changes below.
        var applied = owner is { Apply: true } ? body["metadata"]?["managedFields"]?.DeepClone() : null;
        meta.Remove("managedFields");
        meta.Remove("selfLink");

        if (JsonUtil.Str(oldMeta, "deletionTimestamp") is not null)
        {
            var before = JsonUtil.StringList(oldMeta["finalizers"]).ToHashSet();
            var added = JsonUtil.StringList(meta["finalizers"]).Where(f => !before.Contains(f)).ToList();
            if (added.Count > 0)
            {
                var list = "[]string{" + string.Join(", ", added.Select(a => $"\"{a}\"")) + "}";
                var message = $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers {list}";
                var cause = new StatusCause("FieldValueForbidden", message, "metadata.finalizers");
                throw Errors.Invalid(type, name, [cause, cause], useKind: true);
            }
        }

        if (type.IsCustom)
        {
            ValidateSchema(type, next, name, strictFields);
            if (type.Schema is { } schema && TransitionRules.Check(schema, old, next) is { Count: > 0 } violated)
            {
                throw Errors.Invalid(type, name, violated, useKind: true);
            }
        }

        if (type.Group == "" && type.Plural == "pods")
        {
            Defaulting.PodStatus(next);
        }

        if (type.Plural == "customresourcedefinitions")
        {
            var causes = ResourceRegistry.ValidateCrd(next);
            if (causes.Count > 0)
            {
                throw Errors.Invalid(type, name, causes, useKind: true);
            }
        }

        Mutators.ForEach(m => m(type, next));
        if (applied is not null)
        {
            meta["managedFields"] = applied;
        }
        else
        {
            ManagedFields.Update(old, next, owner, type.ApiVersion, subresource, type.HasStatus, Now());
        }

        if (type.TracksGeneration && SpecChanged(type, old, next))
        {
            meta["generation"] = (JsonUtil.Long(oldMeta, "generation") ?? 0) + 1;
        }

        var ordered = JsonUtil.Ordered(next);
        if (JsonNode.DeepEquals(ordered, old))
        {
            // A no-op write keeps the resourceVersion and emits no event, like etcd's guaranteed update.
            return old;
        }

        var key = ObjectStore.KeyOf(ns, name);
        var oldRv = JsonUtil.Str(oldMeta, "resourceVersion");
        JsonUtil.Meta(ordered)["resourceVersion"] = store.NextRv().ToString(CultureInfo.InvariantCulture);
        if (JsonUtil.Str(oldMeta, "deletionTimestamp") is not null && ReadyToRemove(ordered))
        {
            store.Remove(type.StorageKey, key, ordered, old);
            var returned = (JsonObject)ordered.DeepClone();
            JsonUtil.Meta(returned)["resourceVersion"] = oldRv;
            return returned;
        }

        if (type.Plural == "customresourcedefinitions" && !store.InDryRun)
        {
            registry.RegisterCrd(ordered);
        }

        store.Put(type.StorageKey, key, ordered, old);
        return ordered;
    }

    private static bool ReadyToRemove(JsonObject obj)
    {
        var meta = (JsonObject)obj["metadata"]!;
        if (JsonUtil.Str(obj, "kind") == "Namespace" && JsonUtil.StringList(obj["spec"]?["finalizers"]).Count > 0)
        {
            // A terminating namespace waits for its spec finalizers (the namespace controller's), not just metadata ones.
            return false;
        }

        return JsonUtil.StringList(meta["finalizers"]).Count == 0 && (JsonUtil.Long(meta, "deletionGracePeriodSeconds") ?? 0) == 0;
    }

    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject next)
    {
        foreach (var key in old.Select(kv => kv.Key).Union(next.Select(kv => kv.Key)))
        {
            if (key is "metadata" or "apiVersion" or "kind" || (key == "status" && type.HasStatus))
            {
                continue;
            }

            if (!JsonNode.DeepEquals(old[key], next[key]))
            {
                return true;
            }
        }

        return false;
    }
}
