using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Kubernetes;

/// <summary>
/// Typed calls for any model with a [KubernetesEntity] attribute, core or custom, over KubernetesClient's
/// custom-objects API (which serves the core group too). KubernetesClient's own GenericClient cannot patch /status
/// or select by label when watching; these can. A null namespace addresses cluster-scoped objects, or all namespaces
/// when listing.
/// </summary>
public static class KubernetesObjects
{
    /// <summary>The field manager our writes carry, so managedFields and conflicts name ClusterTune.</summary>
    public const string FieldManager = "clustertune";

    public static async Task<T> GetAsync<T>(this IKubernetes client, string name, string? @namespace, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var r = ApiResource.Of<T>();
        using var resp = @namespace is null
            ? await client.CustomObjects.GetClusterCustomObjectWithHttpMessagesAsync<T>(r.Group, r.Version, r.Plural, name, cancellationToken: ct).ConfigureAwait(false)
            : await client.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<T>(r.Group, r.Version, @namespace, r.Plural, name, cancellationToken: ct).ConfigureAwait(false);
        return resp.Body;
    }

    /// <summary>The object, or null when it does not exist.</summary>
    public static async Task<T?> TryGetAsync<T>(this IKubernetes client, string name, string? @namespace, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            return await client.GetAsync<T>(name, @namespace, ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>One page of a list; <paramref name="continueToken"/> from the previous page's metadata.continue.</summary>
    public static Task<KubernetesList<T>> ListAsync<T>(this IKubernetes client, string? @namespace, string? labelSelector = null,
        string? fieldSelector = null, int? limit = null, string? continueToken = null, string? resourceVersion = null, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta> =>
        ListAsAsync<T, KubernetesList<T>>(client, @namespace, labelSelector, fieldSelector, limit, continueToken, resourceVersion, ct);

    /// <summary>A LIST of <typeparamref name="T"/>'s resource, its body read as <typeparamref name="TBody"/>.</summary>
    private static async Task<TBody> ListAsAsync<T, TBody>(IKubernetes client, string? @namespace, string? labelSelector, string? fieldSelector,
        int? limit, string? continueToken, string? resourceVersion, CancellationToken ct)
    {
        var r = ApiResource.Of<T>();
        using var resp = @namespace is null
            ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<TBody>(r.Group, r.Version, r.Plural,
                continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit,
                resourceVersion: resourceVersion, cancellationToken: ct).ConfigureAwait(false)
            : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<TBody>(r.Group, r.Version, @namespace, r.Plural,
                continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector, limit: limit,
                resourceVersion: resourceVersion, cancellationToken: ct).ConfigureAwait(false);
        return resp.Body;
    }

    /// <summary>Every item, following continue tokens (a consistent read: pages come from one snapshot).</summary>
    public static async Task<IList<T>> ListAllAsync<T>(this IKubernetes client, string? @namespace, string? labelSelector = null,
        string? fieldSelector = null, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var items = new List<T>();
        string? next = null;
        do
        {
            var page = await client.ListAsync<T>(@namespace, labelSelector, fieldSelector, limit: 500, continueToken: next, ct: ct).ConfigureAwait(false);
            items.AddRange(page.Items ?? []);
            next = page.Metadata?.ContinueProperty;
        }
        while (!string.IsNullOrEmpty(next));
        return items;
    }

    /// <summary>Creates the object in its metadata.namespace (null: cluster-scoped); apiVersion and kind are filled in.</summary>
    public static async Task<T> CreateAsync<T>(this IKubernetes client, T obj, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var r = ApiResource.Of<T>();
        obj.ApiVersion ??= r.ApiVersion;
        obj.Kind ??= r.Kind;
        var ns = obj.Metadata?.NamespaceProperty;
        using var resp = ns is null
            ? await client.CustomObjects.CreateClusterCustomObjectWithHttpMessagesAsync<T>(obj, r.Group, r.Version, r.Plural, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false)
            : await client.CustomObjects.CreateNamespacedCustomObjectWithHttpMessagesAsync<T>(obj, r.Group, r.Version, ns, r.Plural, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false);
        return resp.Body;
    }

    /// <summary>
    /// Deletes by name; <paramref name="options"/> carries preconditions and the propagation policy. Returns the
    /// object while it is still terminating (finalizers, grace period), or null when the server says it is gone.
    /// </summary>
    public static async Task<T?> DeleteAsync<T>(this IKubernetes client, string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken ct = default)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var r = ApiResource.Of<T>();
        using var resp = @namespace is null
            ? await client.CustomObjects.DeleteClusterCustomObjectWithHttpMessagesAsync<JsonElement>(r.Group, r.Version, r.Plural, name, options, cancellationToken: ct).ConfigureAwait(false)
            : await client.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync<JsonElement>(r.Group, r.Version, @namespace, r.Plural, name, options, cancellationToken: ct).ConfigureAwait(false);
        var body = resp.Body;
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("kind", out var kind) && kind.GetString() != "Status"
            ? KubernetesJson.Deserialize<T>(body)
            : null;
    }

    /// <summary>PATCH of the object (<paramref name="status"/>: its /status subresource) with any patch type.</summary>
    public static async Task<T> PatchAsync<T>(this IKubernetes client, string name, string? @namespace, V1Patch patch, bool status = false, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var r = ApiResource.Of<T>();
        var co = client.CustomObjects;
        using var resp = (@namespace, status) switch
        {
            (null, false) => await co.PatchClusterCustomObjectWithHttpMessagesAsync<T>(patch, r.Group, r.Version, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
            (null, true) => await co.PatchClusterCustomObjectStatusWithHttpMessagesAsync<T>(patch, r.Group, r.Version, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
            (_, false) => await co.PatchNamespacedCustomObjectWithHttpMessagesAsync<T>(patch, r.Group, r.Version, @namespace, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
            (_, true) => await co.PatchNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(patch, r.Group, r.Version, @namespace, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
        };
        return resp.Body;
    }

    /// <summary>RFC 7386 JSON merge patch of the object.</summary>
    public static Task<T> MergePatchAsync<T>(this IKubernetes client, string name, object patch, string? @namespace, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta> =>
        client.PatchAsync<T>(name, @namespace, new V1Patch(patch, V1Patch.PatchType.MergePatch), status: false, ct);

    /// <summary>RFC 7386 JSON merge patch of the /status subresource.</summary>
    public static Task<T> PatchStatusAsync<T>(this IKubernetes client, string name, object patch, string? @namespace, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta> =>
        client.PatchAsync<T>(name, @namespace, new V1Patch(patch, V1Patch.PatchType.MergePatch), status: true, ct);

    /// <summary>RFC 6902 JSON patch of the object; a test op makes it compare-and-swap (a failed test gives 422).</summary>
    public static Task<T> JsonPatchAsync<T>(this IKubernetes client, string name, Patching.JsonPatch patch, string? @namespace, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta> =>
        client.PatchAsync<T>(name, @namespace, new V1Patch(patch.ToString(), V1Patch.PatchType.JsonPatch), status: false, ct);

    /// <summary>PUT of a whole object; only for types modelled completely (a partial model would drop fields).</summary>
    public static async Task<T> ReplaceAsync<T>(this IKubernetes client, T obj, bool status = false, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var r = ApiResource.Of<T>();
        var (name, ns) = (obj.Metadata.Name, obj.Metadata.NamespaceProperty);
        var co = client.CustomObjects;
        using var resp = (ns, status) switch
        {
            (null, false) => await co.ReplaceClusterCustomObjectWithHttpMessagesAsync<T>(obj, r.Group, r.Version, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
            (null, true) => await co.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<T>(obj, r.Group, r.Version, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
            (_, false) => await co.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<T>(obj, r.Group, r.Version, ns, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
            (_, true) => await co.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(obj, r.Group, r.Version, ns, r.Plural, name, fieldManager: FieldManager, cancellationToken: ct).ConfigureAwait(false),
        };
        return resp.Body;
    }

    /// <summary>
    /// One page of a list with the items undecoded (see <see cref="WatchRawAsync{T}"/> for why). resourceVersion
    /// "0" reads any (cached) state, null a consistent (quorum) one, anything else "not older than" it.
    /// </summary>
    public static async Task<RawList> ListRawAsync<T>(this IKubernetes client, string? @namespace, string? labelSelector,
        string? fieldSelector, int? limit, string? continueToken, string? resourceVersion, CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var body = await ListAsAsync<T, JsonElement>(client, @namespace, labelSelector, fieldSelector, limit, continueToken, resourceVersion, ct).ConfigureAwait(false);
        var items = body.TryGetProperty("items", out var i) && i.ValueKind == JsonValueKind.Array ? i.EnumerateArray().ToList() : [];
        string? Meta(string field) =>
            body.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty(field, out var v) &&
            v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new RawList(items, Meta("resourceVersion"), Meta("continue"));
    }

    /// <summary>
    /// A watch stream of raw events (the object undecoded), so one object that does not fit the model cannot end the
    /// stream for all others. In-stream ERROR events (e.g. 410 Expired) come back as <see cref="KubernetesException"/>.
    /// </summary>
    public static async IAsyncEnumerable<(WatchEventType Type, JsonElement Object)> WatchRawAsync<T>(this IKubernetes client, string? @namespace,
        string? resourceVersion, string? labelSelector, string? fieldSelector, int timeoutSeconds,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var r = ApiResource.Of<T>();
        Exception? streamError = null;
        var events = @namespace is null
            ? client.CustomObjects.WatchListClusterCustomObjectAsync(r.Group, r.Version, r.Plural, allowWatchBookmarks: true,
                fieldSelector: fieldSelector, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: e => streamError ??= e, cancellationToken: ct)
            : client.CustomObjects.WatchListNamespacedCustomObjectAsync(r.Group, r.Version, @namespace, r.Plural, allowWatchBookmarks: true,
                fieldSelector: fieldSelector, labelSelector: labelSelector, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                onError: e => streamError ??= e, cancellationToken: ct);
        await foreach (var (type, obj) in events.ConfigureAwait(false))
        {
            if (obj is JsonElement raw)
            {
                yield return (type, raw);
            }

            if (streamError is not null)
            {
                break;
            }
        }
        if (streamError is not null)
        {
            throw streamError;
        }
    }
}

/// <summary>A list page whose items are still JSON.</summary>
public sealed record RawList(IReadOnlyList<JsonElement> Items, string? ResourceVersion, string? Continue);
