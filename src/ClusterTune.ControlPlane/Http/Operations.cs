using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// The write semantics of kube-apiserver over the generic JSON store: create, update, patch, delete, binding;
/// resourceVersion preconditions, generation, /status rules, finalizers and deletionTimestamp, CRD installation.
/// Returned objects are stored (immutable) instances; callers serialize them and never mutate them.
/// </summary>
internal sealed partial class Operations(ObjectStore store, ResourceRegistry registry, TimeProvider time, Random random)
{
    public const string ForegroundFinalizer = "foregroundDeletion";
    public const string OrphanFinalizer = "orphan";

    private static readonly ResourceType NamespaceType = BuiltInResources.All().First(t => t.Plural == "namespaces");

    public ObjectStore Store => store;

    public ResourceRegistry Registry => registry;

    /// <summary>
    /// Mutations applied to every object about to be stored by a create or update (after defaulting and validation),
    /// e.g. the node lifecycle taints. Each gets the resource type and the object, and may change the object.
    /// </summary>
    public List<Action<ResourceType, JsonObject>> Mutators { get; } = [];

    private string Now() => JsonUtil.Timestamp(time.GetUtcNow());

    public JsonObject Create(ResourceType type, string? ns, JsonObject body, bool strictFields, FieldOwner? owner = null)
    {
        NormalizeTypeMeta(type, body);
        body = ToStorage(type, body);
        var meta = JsonUtil.Meta(body);
        if (type.Namespaced)
        {
            var bodyNs = JsonUtil.Str(meta, "namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw Errors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }

        foreach (var key in new[] { "resourceVersion", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink", "managedFields" })
        {
            meta.Remove(key);
        }

        var generateName = JsonUtil.Str(meta, "generateName");
        var name = JsonUtil.Str(meta, "name");
        if (string.IsNullOrEmpty(name) && string.IsNullOrEmpty(generateName))
        {
            throw Errors.Invalid(type, "", [new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")], useKind: true);
        }

        PrepareForCreate(type, body, name ?? generateName!, strictFields);
        Mutators.ForEach(m => m(type, body));

        lock (store.Gate)
        {
            if (type.Namespaced)
            {
                CheckNamespaceAccepts(type, ns!, name ?? generateName!);
            }

            if (string.IsNullOrEmpty(name))
            {
                name = GenerateName(type, ns, generateName!);
                meta["name"] = name;
            }

            ValidateName(type, name);
            var key = ObjectStore.KeyOf(ns, name);
            if (store.Get(type.StorageKey, key) is not null)
            {
                throw Errors.AlreadyExists(type, name);
            }

            if (type.Plural == "customresourcedefinitions" && !store.InDryRun)
            {
                registry.RegisterCrd(body);
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            if (type.TracksGeneration)
            {
                meta["generation"] = 1;
            }

            if (owner is { Apply: true })
            {
                body = ManagedFields.Apply(null, body, owner, type.ApiVersion, null, type.HasStatus, Now());
            }
            else
            {
                ManagedFields.Update(null, body, owner, type.ApiVersion, null, type.HasStatus, Now());
            }

            var rv = store.NextRv();
            meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            var stored = JsonUtil.Ordered(body);
            store.Put(type.StorageKey, key, stored, null);
            return stored;
        }
    }

    /// <summary>The stored form of a body of this version (other group-versions of a shared resource convert).</summary>
    private static JsonObject ToStorage(ResourceType type, JsonObject body) => type.ToStorage?.Invoke(body) ?? body;

    private void PrepareForCreate(ResourceType type, JsonObject body, string nameOrPrefix, bool strict)
    {
        if (type.IsCustom)
        {
            if (type.HasStatus)
            {
                body.Remove("status");
            }

            ValidateSchema(type, body, nameOrPrefix, strict);
        }

        switch (type.Plural)
        {
            case "pods" when type.Group == "":
                Defaulting.Pod(body);
                break;
            case "namespaces" when type.Group == "":
                Defaulting.Namespace(body);
                break;
            case "customresourcedefinitions":
                var causes = ResourceRegistry.ValidateCrd(body);
                if (causes.Count > 0)
                {
                    throw Errors.Invalid(type, nameOrPrefix, causes, useKind: true);
                }

                Defaulting.CrdStatus(body);
                break;
        }
    }

    private static void ValidateSchema(ResourceType type, JsonObject body, string name, bool strict)
    {
        if (type.Schema is null)
        {
            return;
        }

        var unknown = new List<string>();
        var causes = SchemaValidator.Apply(type.Schema, body, unknown);
        if (strict && unknown.Count > 0)
        {
            throw Errors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: " +
                                    string.Join(", ", unknown.Select(u => $"unknown field \"{u}\"")));
        }

        if (causes.Count > 0)
        {
            throw Errors.Invalid(type, name, causes, useKind: true);
        }
    }

    private void CheckNamespaceAccepts(ResourceType type, string ns, string name)
    {
        var nsObj = store.Get(NamespaceType.StorageKey, ns);
        if (nsObj is null)
        {
            throw Errors.NotFound(NamespaceType, ns);
        }

        if (JsonUtil.Str(nsObj["metadata"], "deletionTimestamp") is not null)
        {
            throw Errors.NamespaceTerminating(type, name, ns);
        }
    }

    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private string GenerateName(ResourceType type, string? ns, string prefix)
    {
        if (prefix.Length > 58)
        {
            prefix = prefix[..58];
        }

        for (var attempt = 0; attempt < 8; attempt++)
        {
            var suffix = new string(Enumerable.Range(0, 5).Select(_ => NameAlphabet[random.Next(NameAlphabet.Length)]).ToArray());
            var candidate = prefix + suffix;
            if (store.Get(type.StorageKey, ObjectStore.KeyOf(ns, candidate)) is null)
            {
                return candidate;
            }
        }

        throw Errors.AlreadyExists(type, prefix);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainRegex();

    private static void ValidateName(ResourceType type, string name)
    {
        if (name.Length > 253 || !SubdomainRegex().IsMatch(name))
        {
            throw Errors.Invalid(type, name, [new StatusCause("FieldValueInvalid",
                $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "metadata.name")], useKind: true);
        }
    }

    private static void NormalizeTypeMeta(ResourceType type, JsonObject body)
    {
        var apiVersion = JsonUtil.Str(body, "apiVersion");
        var kind = JsonUtil.Str(body, "kind");
        if (apiVersion is not null && apiVersion != type.ApiVersion)
        {
            throw Errors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        if (kind is not null && kind != type.Kind)
        {
            throw Errors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        body["apiVersion"] = type.ApiVersion;
        body["kind"] = type.Kind;
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        return store.Get(type.StorageKey, ObjectStore.KeyOf(ns, name)) ?? throw Errors.NotFound(type, name);
    }

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

                    patched = Patches.MergePatch(view, patch);
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

    /// <summary>pods/binding: assigns the pod to a node once.</summary>
    public JsonObject Bind(ResourceType podType, string ns, string podName, JsonObject binding)
    {
        var node = JsonUtil.Str(binding["target"], "name");
        if (string.IsNullOrEmpty(node))
        {
            throw Errors.Invalid(podType, podName, [new StatusCause("FieldValueRequired", "Required value", "target.name")], useKind: true);
        }

        lock (store.Gate)
        {
            var old = Get(podType, ns, podName);
            var current = JsonUtil.Str(old["spec"], "nodeName");
            if (!string.IsNullOrEmpty(current))
            {
                throw new ApiException(409, Errors.Status(409, "Conflict",
                    $"Operation cannot be fulfilled on pods/binding \"{podName}\": pod {podName} is already assigned to node \"{current}\"",
                    new JsonObject { ["name"] = podName, ["kind"] = "pods/binding" }));
            }

            if (JsonUtil.Str(old["metadata"], "deletionTimestamp") is not null)
            {
                throw Errors.ConflictMessage(podType, podName, $"Operation cannot be fulfilled on pods/binding \"{podName}\": pod {podName} is being deleted, cannot be assigned to a host", false);
            }

            var next = (JsonObject)old.DeepClone();
            ((JsonObject)next["spec"]!)["nodeName"] = node;
            var status = next["status"] as JsonObject ?? new JsonObject();
            next["status"] = status;
            var conditions = status["conditions"] as JsonArray ?? new JsonArray();
            status["conditions"] = conditions;
            conditions.Add(new JsonObject
            {
                ["type"] = "PodScheduled",
                ["status"] = "True",
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = Now(),
            });
            Write(podType, ObjectStore.KeyOf(ns, podName), next, old);
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["code"] = 201,
        };
    }
}
