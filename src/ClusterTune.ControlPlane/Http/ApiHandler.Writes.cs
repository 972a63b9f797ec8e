using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;
using Microsoft.AspNetCore.Http;
using static ClusterTune.ControlPlane.Http.RequestQuery;

namespace ClusterTune.ControlPlane.Http;

/// <summary>The verbs on one resource: get, create, update, patch, delete, deletecollection (and dry runs).</summary>
internal sealed partial class ApiHandler
{
    private async Task ResourceAsync(HttpContext ctx, ApiRoute route, ResourceType type, string verb, FaultRequest request)
    {
        var query = ctx.Request.Query;
        var ns = route.Namespace;
        switch (verb)
        {
            case "watch":
                await WatchAsync(ctx, type, ns, route.Name, request);
                return;
            case "list":
                await ListAsync(ctx, type, ns);
                return;
            case "get" when route.Subresource == "log":
                await LogAsync(ctx, type, ns!, route.Name!);
                return;
            case "get":
                {
                    var obj = GetForRead(type, ns, route.Name!);
                    if (WantsTable(ctx))
                    {
                        await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(w => TableRenderer.Write(w, type, [obj],
                            JsonUtil.Str(obj["metadata"], "resourceVersion"), null, null, IncludeObject(ctx), options.TimeProvider.GetUtcNow())));
                    }
                    else
                    {
                        await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(obj, type));
                    }

                    return;
                }

            case "create" when type.Group == AccessReviews.Group && route.Name is null:
                {
                    JsonObject review;
                    if ((ctx.Request.ContentType ?? "").StartsWith(AccessReviews.ProtobufMediaType, StringComparison.OrdinalIgnoreCase))
                    {
                        review = AccessReviews.FromProtobuf(type, await RequestBody.ReadBytesAsync(ctx));
                    }
                    else
                    {
                        review = await RequestBody.ReadObjectAsync(ctx);
                    }

                    await WriteJsonAsync(ctx, 201, ObjectWriter.ToBytes(AccessReviews.Answer(type, review), null));
                    return;
                }

            case "create":
                {
                    var body = await RequestBody.ReadObjectAsync(ctx);
                    if (route.Subresource == "binding" || (type.Plural == "bindings" && type.Group == ""))
                    {
                        var podType = _registry.Get("", "v1", "pods");
                        var podName = route.Name ?? JsonUtil.Str(body["metadata"], "name") ?? throw Errors.BadRequest("binding needs metadata.name (the pod name)");
                        var bound = Write(ctx, "CreateOptions", podType, ns, podName, () => ops.Bind(podType, ns!, podName, body));
                        await WriteJsonAsync(ctx, 201, ObjectWriter.ToBytes(bound, null));
                        return;
                    }

                    if (route.Name is not null)
                    {
                        throw Errors.MethodNotAllowed();
                    }

                    var created = Write(ctx, "CreateOptions", type, ns, null, () => ops.Create(type, ns, body, StrictFields(query), Owner(ctx)));
                    await WriteJsonAsync(ctx, 201, ObjectWriter.ToBytes(created, type));
                    return;
                }

            case "update":
                {
                    if (route.Name is null)
                    {
                        throw Errors.MethodNotAllowed();
                    }

                    var body = await RequestBody.ReadObjectAsync(ctx);
                    var updated = Write(ctx, "UpdateOptions", type, ns, route.Name, () => route.Subresource == "finalize"
                        ? ops.Finalize(type, route.Name, body)
                        : ops.Update(type, ns, route.Name, body, route.Subresource, StrictFields(query), Owner(ctx)));
                    await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(updated, type));
                    return;
                }

            case "patch":
                {
                    if (route.Name is null)
                    {
                        throw Errors.MethodNotAllowed();
                    }

                    var text = await RequestBody.ReadTextAsync(ctx);
                    var existed = _store.Get(type.StorageKey, ObjectStore.KeyOf(ns, route.Name)) is not null;
                    var patched = Write(ctx, "PatchOptions", type, ns, route.Name,
                        () => ops.Patch(type, ns, route.Name, ctx.Request.ContentType ?? "", text, route.Subresource, Owner(ctx)));
                    await WriteJsonAsync(ctx, existed ? 200 : 201, ObjectWriter.ToBytes(patched, type));
                    return;
                }

            case "delete":
                {
                    var deleteOptions = await RequestBody.ReadDeleteOptionsAsync(ctx);
                    var result = Write(ctx, "DeleteOptions", type, ns, route.Name, () => ops.Delete(type, ns, route.Name!, deleteOptions));
                    var isStatus = JsonUtil.Str(result, "kind") == "Status";
                    await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(result, isStatus ? null : type));
                    return;
                }

            case "deletecollection":
                {
                    var deleteOptions = await RequestBody.ReadDeleteOptionsAsync(ctx);
                    var labels = Selector.ParseLabels(query["labelSelector"]);
                    var fields = Selector.ParseFields(query["fieldSelector"]);
                    var deleted = new List<JsonObject>();
                    foreach (var (_, obj) in _store.Items(type.StorageKey, ns))
                    {
                        if (!labels.Matches(obj) || !fields.Matches(obj))
                        {
                            continue;
                        }

                        try
                        {
                            var (itemNs, itemName) = (JsonUtil.Str(obj["metadata"], "namespace"), JsonUtil.Str(obj["metadata"], "name")!);
                            var r = Write(ctx, "DeleteOptions", type, itemNs, itemName, () => ops.Delete(type, itemNs, itemName, deleteOptions));
                            deleted.Add(JsonUtil.Str(r, "kind") == "Status" ? obj : r);
                        }
                        catch (ApiException e) when (e.Code == 404)
                        {
                            // Deleted concurrently.
                        }
                    }

                    await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(w => WriteList(w, type, deleted, _store.CurrentRv.ToString(CultureInfo.InvariantCulture), null, null)));
                    return;
                }
        }
    }

    /// <summary>
    /// Validates the write's options (<paramref name="optionsKind"/>: CreateOptions, UpdateOptions, PatchOptions or
    /// DeleteOptions) and runs it, or with <c>?dryRun=All</c> runs every check of it and returns the would-be object
    /// while storing nothing: no resourceVersion is consumed (the result carries the object's current one, none for a
    /// create) and no watch event is sent, like kube-apiserver's DryRunnableStorage.
    /// </summary>
    private JsonObject Write(HttpContext ctx, string optionsKind, ResourceType type, string? ns, string? name, Func<JsonObject> write)
    {
        if (optionsKind != "DeleteOptions")
        {
            ValidateFieldManagerOptions(ctx, optionsKind);
        }

        if (!IsDryRun(ctx.Request.Query, optionsKind))
        {
            return write();
        }

        lock (_store.Gate)
        {
            var before = name is null ? null : _store.Get(type.StorageKey, ObjectStore.KeyOf(ns, name));
            JsonObject result;
            using (_store.BeginDryRun())
            {
                result = write();
            }

            if (JsonUtil.Str(result, "kind") == "Status")
            {
                return result;
            }

            var copy = (JsonObject)result.DeepClone();
            if (JsonUtil.Str(before?["metadata"], "resourceVersion") is { } rv)
            {
                JsonUtil.Meta(copy)["resourceVersion"] = rv;
            }
            else
            {
                JsonUtil.Meta(copy).Remove("resourceVersion");
            }

            return copy;
        }
    }

    /// <summary>
    /// The field manager of a write: ?fieldManager=, else (except for apply, which requires it) the User-Agent up to
    /// its first "/" as kube-apiserver derives it ("unknown" without one); ?force= for apply.
    /// </summary>
    private static FieldOwner Owner(HttpContext ctx)
    {
        var fieldManager = ctx.Request.Query["fieldManager"].ToString();
        var isApply = IsApply(ctx);
        if (fieldManager.Length == 0 && !isApply)
        {
            fieldManager = ctx.Request.Headers.UserAgent.ToString().Split('/')[0].Trim() is { Length: > 0 } agent ? agent : "unknown";
        }

        return new FieldOwner(fieldManager, isApply, IsTrue(ctx.Request.Query["force"]));
    }

    private static bool IsApply(HttpContext ctx) =>
        (ctx.Request.ContentType ?? "").StartsWith("application/apply-patch+yaml", StringComparison.OrdinalIgnoreCase);

    /// <summary>ValidateCreate/Update/PatchOptions: fieldManager length and characters (Go's unicode.IsPrint), force only for apply.</summary>
    private static void ValidateFieldManagerOptions(HttpContext ctx, string optionsKind)
    {
        var query = ctx.Request.Query;
        var causes = new List<StatusCause>();
        var fieldManager = query["fieldManager"].ToString();
        if (System.Text.Encoding.UTF8.GetByteCount(fieldManager) > 128)
        {
            causes.Add(new StatusCause("FieldValueTooLong", "Too long: may not be more than 128 bytes", "fieldManager"));
        }

        // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
        var bad = Array.FindIndex(fieldManager.ToCharArray(), c => c != ' ' &&
            char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse);
        if (bad >= 0)
        {
            causes.Add(new StatusCause("FieldValueInvalid",
                $"Invalid value: \"{fieldManager}\": invalid character U+{(int)fieldManager[bad]:X4} (at position {bad})", "fieldManager"));
        }

        if (optionsKind == "PatchOptions" && !IsApply(ctx) && query.ContainsKey("force"))
        {
            causes.Add(new StatusCause("FieldValueForbidden", "Forbidden: may not be specified for non-apply patch", "force"));
        }

        if (causes.Count > 0)
        {
            throw Errors.InvalidOptions(optionsKind, causes);
        }
    }

    private static bool IsDryRun(IQueryCollection query, string optionsKind)
    {
        var values = query["dryRun"];
        if (values.Count == 0)
        {
            return false;
        }

        if (values.Any(v => v != "All"))
        {
            var list = "[]string{" + string.Join(", ", values.Select(v => $"\"{v}\"")) + "}";
            throw Errors.InvalidOptions(optionsKind, [new StatusCause("FieldValueNotSupported", $"Unsupported value: {list}: supported values: \"All\"", "dryRun")]);
        }

        return true;
    }

    private JsonObject GetForRead(ResourceType type, string? ns, string name)
    {
        if (faults.StaleReadsAt is { } stale && _store.ItemsAt(type.StorageKey, ns, stale) is { } snapshot)
        {
            var key = ObjectStore.KeyOf(ns, name);
            return snapshot.FirstOrDefault(kv => kv.Key == key).Value ?? throw Errors.NotFound(type, name);
        }

        return ops.Get(type, ns, name);
    }


}
