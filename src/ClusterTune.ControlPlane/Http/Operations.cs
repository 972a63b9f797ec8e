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

    private static void PrepareForCreate(ResourceType type, JsonObject body, string nameOrPrefix, bool strict)
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
