using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Deletion: graceful deletion, finalizers, propagation, namespace finalize and forced removal.</summary>
internal sealed partial class Operations
{
    /// <summary>DELETE of one object; returns the response body (the object while it lingers, else a Status).</summary>
    public JsonObject Delete(ResourceType type, string? ns, string name, DeleteOptions options)
    {
        lock (store.Gate)
        {
            var old = Get(type, ns, name);
            var oldMeta = (JsonObject)old["metadata"]!;
            var uid = JsonUtil.Str(oldMeta, "uid");
            if (options.PreconditionUid is { } preUid && preUid != uid)
            {
                throw Errors.ConflictMessage(type, name,
                    $"Operation cannot be fulfilled on {type.QualifiedKind} \"{name}\": the UID in the precondition ({preUid}) does not match the UID in record ({uid}). The object might have been deleted and then recreated",
                    useKind: true);
            }

            var currentRv = JsonUtil.Str(oldMeta, "resourceVersion");
            if (options.PreconditionResourceVersion is { } preRv && preRv != currentRv)
            {
                throw Errors.ConflictMessage(type, name,
                    $"Operation cannot be fulfilled on {type.QualifiedKind} \"{name}\": the ResourceVersion in the precondition ({preRv}) does not match the ResourceVersion in record ({currentRv}). The object might have been modified",
                    useKind: true);
            }

            var key = ObjectStore.KeyOf(ns, name);
            var isPod = type.Group == "" && type.Plural == "pods";
            var isNamespace = type.Group == "" && type.Plural == "namespaces";
            var next = (JsonObject)old.DeepClone();
            var meta = JsonUtil.Meta(next);
            var finalizers = JsonUtil.StringList(meta["finalizers"]);
            var policy = options.PropagationPolicy;
            if (policy == "Foreground" && !finalizers.Contains(ForegroundFinalizer))
            {
                finalizers.Add(ForegroundFinalizer);
            }
            else if (policy == "Orphan" && !finalizers.Contains(OrphanFinalizer))
            {
                finalizers.Add(OrphanFinalizer);
            }

            if (finalizers.Count > 0)
            {
                meta["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
            }

            var alreadyDeleting = JsonUtil.Str(oldMeta, "deletionTimestamp") is not null;
            long grace = 0;
            if (isPod)
            {
                var phase = JsonUtil.Str(old["status"], "phase");
                var bound = !string.IsNullOrEmpty(JsonUtil.Str(old["spec"], "nodeName"));
                var terminal = phase is "Succeeded" or "Failed";
                grace = options.GracePeriodSeconds ?? JsonUtil.Long(old["spec"], "terminationGracePeriodSeconds") ?? 30;
                if (!bound || terminal || grace < 0)
                {
                    grace = 0;
                }
            }

            if (isNamespace)
            {
                if (alreadyDeleting)
                {
                    return old;
                }

                meta["deletionTimestamp"] = Now();
                next["status"] = new JsonObject { ["phase"] = "Terminating" };
                return Write(type, key, next, old);
            }

            if (alreadyDeleting)
            {
                var currentGrace = JsonUtil.Long(oldMeta, "deletionGracePeriodSeconds") ?? 0;
                if (!isPod || grace >= currentGrace)
                {
                    return JsonNode.DeepEquals(next, old) ? old : Write(type, key, next, old);
                }

                meta["deletionGracePeriodSeconds"] = grace;
                if (grace == 0 && finalizers.Count == 0)
                {
                    return RemoveNow(type, key, next, old, returnObject: true);
                }

                return Write(type, key, next, old);
            }

            if (grace > 0 || finalizers.Count > 0)
            {
                meta["deletionTimestamp"] = JsonUtil.Timestamp(time.GetUtcNow().AddSeconds(grace));
                meta["deletionGracePeriodSeconds"] = grace;
                if (JsonUtil.Long(meta, "generation") is > 0 and var generation)
                {
                    // rest.BeforeDelete: a graceful deletion is a spec-level change for generation-tracking objects.
                    meta["generation"] = generation + 1;
                }

                return Write(type, key, next, old);
            }

            if (isPod)
            {
                meta["deletionTimestamp"] = Now();
                meta["deletionGracePeriodSeconds"] = 0;
                return RemoveNow(type, key, next, old, returnObject: true);
            }

            RemoveNow(type, key, next, old, returnObject: false);
            return Errors.Success(type, name, uid);
        }
    }

    private JsonObject Write(ResourceType type, string key, JsonObject next, JsonObject old)
    {
        JsonUtil.Meta(next)["resourceVersion"] = store.NextRv().ToString(CultureInfo.InvariantCulture);
        var ordered = JsonUtil.Ordered(next);
        store.Put(type.StorageKey, key, ordered, old);
        return ordered;
    }

    private JsonObject RemoveNow(ResourceType type, string key, JsonObject next, JsonObject old, bool returnObject)
    {
        JsonUtil.Meta(next)["resourceVersion"] = store.NextRv().ToString(CultureInfo.InvariantCulture);
        var ordered = JsonUtil.Ordered(next);
        store.Remove(type.StorageKey, key, ordered, old);
        if (type.Plural == "customresourcedefinitions" && !store.InDryRun)
        {
            RemoveCrdInstances(ordered);
        }

        return returnObject ? ordered : old;
    }

    private void RemoveCrdInstances(JsonObject crd)
    {
        var group = JsonUtil.Str(crd["spec"], "group") ?? "";
        var plural = JsonUtil.Str(crd["spec"]?["names"], "plural") ?? "";
        var storageKey = $"{group}/{plural}";
        foreach (var (key, obj) in store.Items(storageKey, null))
        {
            var last = (JsonObject)obj.DeepClone();
            JsonUtil.Meta(last)["resourceVersion"] = store.NextRv().ToString(CultureInfo.InvariantCulture);
            store.Remove(storageKey, key, last, obj);
        }

        registry.UnregisterCrd(JsonUtil.Str(crd["metadata"], "name")!);
    }

    /// <summary>Removes an object regardless of finalizers (used by controllers once their finalizer work is done).</summary>
    public void ForceRemove(string storageKey, string key)
    {
        lock (store.Gate)
        {
            var old = store.Get(storageKey, key);
            var type = registry.ByStorageKey(storageKey);
            if (old is null || type is null)
            {
                return;
            }

            RemoveNow(type, key, (JsonObject)old.DeepClone(), old, returnObject: false);
        }
    }

    /// <summary>namespaces/NAME/finalize: replaces spec.finalizers; an emptied, terminating namespace is removed.</summary>
    public JsonObject Finalize(ResourceType type, string name, JsonObject body)
    {
        lock (store.Gate)
        {
            var old = Get(type, null, name);
            var next = (JsonObject)old.DeepClone();
            var spec = next["spec"] as JsonObject ?? new JsonObject();
            next["spec"] = spec;
            spec["finalizers"] = body["spec"]?["finalizers"]?.DeepClone() ?? new JsonArray();
            if (JsonNode.DeepEquals(next, old))
            {
                return old;
            }

            var meta = (JsonObject)next["metadata"]!;
            if (JsonUtil.Str(meta, "deletionTimestamp") is not null &&
                JsonUtil.StringList(spec["finalizers"]).Count == 0 && JsonUtil.StringList(meta["finalizers"]).Count == 0)
            {
                return RemoveNow(type, name, next, old, returnObject: true);
            }

            return Write(type, name, next, old);
        }
    }
}
