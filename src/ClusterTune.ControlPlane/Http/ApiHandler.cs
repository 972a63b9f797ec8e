using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;
using Microsoft.AspNetCore.Http;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Routes one HTTP request to discovery, CRUD, list, watch, binding or log handling.</summary>
internal sealed class ApiHandler(Operations ops, EmbeddedApiServerOptions options, FaultInjector faults, Func<string> serverAddress)
{
    private readonly ObjectStore _store = ops.Store;
    private readonly ResourceRegistry _registry = ops.Registry;
    private readonly object _watchGate = new();
    private readonly List<(WatchSubscription Sub, FaultRequest Request, HttpContext Context)> _watches = new();

    public int OpenWatches
    {
        get
        {
            lock (_watchGate)
            {
                return _watches.Count;
            }
        }
    }

    public void DropWatches(Func<FaultRequest, bool> match)
    {
        List<(WatchSubscription Sub, FaultRequest Request, HttpContext Context)> dropped;
        lock (_watchGate)
        {
            dropped = _watches.Where(w => match(w.Request)).ToList();
        }

        foreach (var w in dropped)
        {
            try
            {
                w.Sub.Dropped.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The watch ended on its own meanwhile.
            }
        }
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            if (options.BearerToken is { } token && ctx.Request.Headers.Authorization.ToString() != $"Bearer {token}")
            {
                throw Errors.Unauthorized();
            }

            await DispatchAsync(ctx);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted)
            {
                if (e.RetryAfter is { } ra)
                {
                    ctx.Response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await WriteJsonAsync(ctx, e.Code, ObjectWriter.ToBytes(e.Status, null));
            }
        }
        catch (FormatException e)
        {
            if (!ctx.Response.HasStarted)
            {
                var err = Errors.BadRequest(e.Message);
                await WriteJsonAsync(ctx, 400, ObjectWriter.ToBytes(err.Status, null));
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // Client went away.
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            // A body shape the handlers did not expect: answer like apiserver's panic recovery, with a Status.
            if (!ctx.Response.HasStarted)
            {
                var status = Errors.Status(500, "InternalError", $"an error on the server (\"{e.Message}\") has prevented the request from succeeding", null);
                await WriteJsonAsync(ctx, 500, ObjectWriter.ToBytes(status, null));
            }
        }
    }

    private async Task DispatchAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var method = ctx.Request.Method;
        var query = ctx.Request.Query;
        switch (path.TrimEnd('/'))
        {
            case "/version":
                await FaultOrAsync(ctx, new FaultRequest(method, path, "discovery", "", "", null, null, null),
                    () => WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(Discovery.Version(), null)));
                return;
            case "/healthz" or "/livez" or "/readyz":
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("ok");
                return;
        }

        if (path.StartsWith("/openapi/v3", StringComparison.Ordinal) && method == "GET")
        {
            var rel = path["/openapi/v3".Length..].Trim('/');
            JsonObject? doc;
            if (rel.Length == 0)
            {
                doc = OpenApi.Root(_registry.All);
            }
            else
            {
                var parts = rel.Split('/');
                doc = parts switch
                {
                    ["api", var v] => OpenApi.GroupVersion(_registry.All, "", v),
                    ["apis", var g, var v] => OpenApi.GroupVersion(_registry.All, g, v),
                    _ => null,
                };
            }

            await WriteJsonAsync(ctx, doc is null ? 404 : 200, ObjectWriter.ToBytes(doc ?? Errors.PathNotFound().Status, null));
            return;
        }

        var route = ApiRoute.Parse(path, _registry);
        if (route is null)
        {
            throw Errors.PathNotFound();
        }

        if (route.Discovery is not null)
        {
            var fr = new FaultRequest(method, path, "discovery", route.Group, "", null, null, null);
            await FaultOrAsync(ctx, fr, () => DiscoveryAsync(ctx, route));
            return;
        }

        var type = route.Type ?? throw Errors.PathNotFound();
        var isWatch = IsTrue(query["watch"]);
        var verb = method switch
        {
            "GET" when isWatch => "watch",
            "GET" when route.Name is null => "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when route.Name is null => "deletecollection",
            "DELETE" => "delete",
            _ => throw Errors.MethodNotAllowed(),
        };
        if (route.Subresource is null && !type.Verbs.Contains(verb))
        {
            throw Errors.MethodNotAllowed();
        }

        var request = new FaultRequest(method, path, verb, type.Group, type.Plural, route.Subresource, route.Namespace, route.Name);
        await FaultOrAsync(ctx, request, () => ResourceAsync(ctx, route, type, verb, request));
    }

    private async Task FaultOrAsync(HttpContext ctx, FaultRequest request, Func<Task> next)
    {
        var action = faults.Intercept(request);
        if (action is null)
        {
            await next();
            return;
        }

        if (action.ResetConnection)
        {
            ctx.Abort();
            return;
        }

        if (action.RetryAfter is { } ra)
        {
            ctx.Response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var message = action.StatusCode switch
        {
            429 => "Too many requests, please try again later.",
            503 => "the server is currently unable to handle the request",
            504 => "the server was unable to return a response in the time allotted, but may still be processing the request",
            _ => "an error on the server (\"injected fault\") has prevented the request from succeeding",
        };
        JsonObject? details = null;
        if (action.RetryAfter is { } retry)
        {
            details = new JsonObject { ["retryAfterSeconds"] = (int)Math.Ceiling(retry.TotalSeconds) };
        }

        await WriteJsonAsync(ctx, action.StatusCode, ObjectWriter.ToBytes(Errors.Status(action.StatusCode, action.Reason, message, details), null));
    }

    private async Task DiscoveryAsync(HttpContext ctx, ApiRoute route)
    {
        var all = _registry.All;
        JsonObject? doc = route.Discovery switch
        {
            "api" => Discovery.Versions(serverAddress()),
            "apis" => Discovery.GroupList(all),
            "group" => Discovery.GroupDocument(all, route.Group),
            _ => Discovery.ResourceList(all, route.Group, route.Version),
        };
        if (doc is null)
        {
            throw Errors.PathNotFound();
        }

        await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(doc, null));
    }

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
                    review = await ReadObjectAsync(ctx);
                }

                await WriteJsonAsync(ctx, 201, ObjectWriter.ToBytes(AccessReviews.Answer(type, review), null));
                return;
            }

            case "create":
            {
                var body = await ReadObjectAsync(ctx);
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

                var body = await ReadObjectAsync(ctx);
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

                var text = await ReadTextAsync(ctx);
                var existed = _store.Get(type.StorageKey, ObjectStore.KeyOf(ns, route.Name)) is not null;
                var patched = Write(ctx, "PatchOptions", type, ns, route.Name,
                    () => ops.Patch(type, ns, route.Name, ctx.Request.ContentType ?? "", text, route.Subresource, Owner(ctx)));
                await WriteJsonAsync(ctx, existed ? 200 : 201, ObjectWriter.ToBytes(patched, type));
                return;
            }

            case "delete":
            {
                var deleteOptions = await ReadDeleteOptionsAsync(ctx);
                var result = Write(ctx, "DeleteOptions", type, ns, route.Name, () => ops.Delete(type, ns, route.Name!, deleteOptions));
                var isStatus = JsonUtil.Str(result, "kind") == "Status";
                await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(result, isStatus ? null : type));
                return;
            }

            case "deletecollection":
            {
                var deleteOptions = await ReadDeleteOptionsAsync(ctx);
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

    private static bool StrictFields(IQueryCollection query) => query["fieldValidation"].ToString() == "Strict";

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues v) => v.ToString() is "1" or "true" or "True";

    private static bool WantsTable(HttpContext ctx) => ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static string IncludeObject(HttpContext ctx) => ctx.Request.Query["includeObject"].ToString() switch
    {
        "None" => "None",
        "Object" => "Object",
        _ => "Metadata",
    };

    private sealed record ContinueToken(long Rv, string Start);

    private static string EncodeContinue(long rv, string startKey)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = rv, ["start"] = startKey + "\0" }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static ContinueToken DecodeContinue(string token)
    {
        try
        {
            var s = token.Replace('-', '+').Replace('_', '/');
            s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
            var o = JsonUtil.ParseObject(Encoding.UTF8.GetString(Convert.FromBase64String(s)), "continue token");
            var start = JsonUtil.Str(o, "start") ?? "";
            return new ContinueToken(JsonUtil.Long(o, "rv") ?? 0, start.TrimEnd('\0'));
        }
        catch (Exception e) when (e is FormatException)
        {
            throw Errors.BadRequest($"invalid continue token: {e.Message}");
        }
    }

    private async Task ListAsync(HttpContext ctx, ResourceType type, string? ns)
    {
        var query = ctx.Request.Query;
        var labels = Selector.ParseLabels(query["labelSelector"]);
        var fields = Selector.ParseFields(query["fieldSelector"]);
        var rvParam = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        ListOptionsValidation.Validate(query, watch: false);
        var continueParam = query["continue"].ToString();
        long limit = 0;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!long.TryParse(limitText, out limit) || limit < 0))
        {
            throw Errors.BadRequest($"invalid limit \"{limitText}\": must be a non-negative integer");
        }

        List<KeyValuePair<string, JsonObject>> items;
        long snapshotRv;
        string? after = null;
        if (continueParam.Length > 0)
        {
            if (rvParam.Length > 0 && rvParam != "0")
            {
                throw Errors.BadRequest("specifying resource version is not allowed when using continue");
            }

            var token = DecodeContinue(continueParam);
            items = _store.ItemsAt(type.StorageKey, ns, token.Rv) ?? throw Errors.ContinueExpired();
            snapshotRv = token.Rv;
            after = string.IsNullOrEmpty(ns) ? token.Start : $"{ns}/{token.Start}";
        }
        else if (faults.StaleReadsAt is { } stale && (rvParam.Length == 0 || rvParam == "0") && _store.ItemsAt(type.StorageKey, ns, stale) is { } staleItems)
        {
            items = staleItems;
            snapshotRv = stale;
        }
        else if (rvParam.Length == 0 || rvParam == "0")
        {
            lock (_store.Gate)
            {
                items = _store.Items(type.StorageKey, ns);
                snapshotRv = _store.CurrentRv;
            }
        }
        else
        {
            if (!long.TryParse(rvParam, NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
            {
                throw Errors.BadRequest($"invalid resource version \"{rvParam}\"");
            }

            await WaitForRvAsync(requested, ctx.RequestAborted);
            var exact = match == "Exact" || (match.Length == 0 && limit > 0);
            if (exact)
            {
                items = _store.ItemsAt(type.StorageKey, ns, requested) ?? throw Errors.ListExpired();
                snapshotRv = requested;
            }
            else
            {
                lock (_store.Gate)
                {
                    items = _store.Items(type.StorageKey, ns);
                    snapshotRv = _store.CurrentRv;
                }
            }
        }

        var filtered = items.Where(kv => (after is null || string.CompareOrdinal(kv.Key, after) > 0) && labels.Matches(kv.Value) && fields.Matches(kv.Value)).ToList();
        string? continueToken = null;
        long? remaining = null;
        if (limit > 0 && filtered.Count > limit)
        {
            var page = filtered.Take((int)limit).ToList();
            var lastKey = page[^1].Key;
            var relative = string.IsNullOrEmpty(ns) ? lastKey : lastKey[(ns.Length + 1)..];
            continueToken = EncodeContinue(snapshotRv, relative);
            if (labels.IsEmpty && fields.IsEmpty)
            {
                remaining = filtered.Count - limit;
            }

            filtered = page;
        }

        var rvText = snapshotRv.ToString(CultureInfo.InvariantCulture);
        var objects = filtered.Select(kv => kv.Value).ToList();
        if (WantsTable(ctx))
        {
            await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(w => TableRenderer.Write(w, type, objects, rvText, continueToken, remaining,
                IncludeObject(ctx), options.TimeProvider.GetUtcNow())));
            return;
        }

        await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(w => WriteList(w, type, objects, rvText, continueToken, remaining)));
    }

    private async Task WaitForRvAsync(long requested, CancellationToken ct)
    {
        var deadline = options.TimeProvider.GetUtcNow() + options.TooLargeResourceVersionWait;
        while (_store.CurrentRv < requested)
        {
            if (options.TimeProvider.GetUtcNow() >= deadline)
            {
                throw Errors.TooLargeResourceVersion(requested, _store.CurrentRv);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), options.TimeProvider, ct);
        }
    }

    private static void WriteList(Utf8JsonWriter w, ResourceType type, IEnumerable<JsonObject> items, string rv, string? continueToken, long? remaining)
    {
        w.WriteStartObject();
        w.WriteString("kind", type.ListKind);
        w.WriteString("apiVersion", type.ApiVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", rv);
        if (continueToken is not null || type.IsCustom)
        {
            w.WriteString("continue", continueToken ?? "");
        }

        if (remaining is { } r)
        {
            w.WriteNumber("remainingItemCount", r);
        }

        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var item in items)
        {
            // Like kube-apiserver, items of built-in lists omit kind/apiVersion; custom resources keep them.
            ObjectWriter.WriteObject(w, item, type, includeTypeMeta: type.IsCustom);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private async Task WatchAsync(HttpContext ctx, ResourceType type, string? ns, string? name, FaultRequest request)
    {
        var query = ctx.Request.Query;
        var labels = Selector.ParseLabels(query["labelSelector"]);
        var fieldText = query["fieldSelector"].ToString();
        if (name is not null)
        {
            fieldText = fieldText.Length == 0 ? $"metadata.name={name}" : $"{fieldText},metadata.name={name}";
        }

        var fields = Selector.ParseFields(fieldText);
        var sendInitialEvents = ListOptionsValidation.Validate(query, watch: true);
        var rvParam = query["resourceVersion"].ToString();
        long? from = null;
        if (rvParam.Length > 0 && rvParam != "0")
        {
            if (!long.TryParse(rvParam, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw Errors.BadRequest($"invalid resource version \"{rvParam}\"");
            }

            from = parsed;
        }

        if (sendInitialEvents == true)
        {
            // A state not older than the requested version, then a bookmark marking the end of the initial events.
            if (from is { } notOlderThan)
            {
                await WaitForRvAsync(notOlderThan, ctx.RequestAborted);
            }

            from = null;
        }
        else if (sendInitialEvents == false && from is null)
        {
            // "Start at most recent": no synthetic events.
            from = _store.CurrentRv;
        }

        var bookmarks = IsTrue(query["allowWatchBookmarks"]);
        var asTable = WantsTable(ctx);
        var includeObject = IncludeObject(ctx);
        TimeSpan timeout;
        if (query["timeoutSeconds"].ToString() is { Length: > 0 } ts)
        {
            if (!long.TryParse(ts, out var seconds) || seconds < 0)
            {
                throw Errors.BadRequest($"invalid timeoutSeconds \"{ts}\": must be a non-negative integer");
            }

            timeout = seconds == 0 ? TimeSpan.FromSeconds(1800 + options.Random.Next(1800)) : TimeSpan.FromSeconds(seconds);
        }
        else
        {
            timeout = TimeSpan.FromSeconds(1800 + options.Random.Next(1800));
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        var body = ctx.Response.Body;
        if (faults.TakeExpireNextWatch(request))
        {
            await WriteEventAsync(body, "ERROR", Errors.WatchExpiredStatus(), null, ctx.RequestAborted);
            return;
        }

        WatchSubscription? sub;
        List<KeyValuePair<string, JsonObject>>? staleInitial = null;
        lock (_store.Gate)
        {
            if (from is null && sendInitialEvents is null && faults.StaleReadsAt is { } stale && _store.ItemsAt(type.StorageKey, ns, stale) is { } staleItems)
            {
                staleInitial = staleItems;
                sub = _store.Subscribe(type.StorageKey, ns, stale);
            }
            else
            {
                // Like the watch cache, the end of the initial events is only marked for a client that accepts bookmarks.
                sub = _store.Subscribe(type.StorageKey, ns, from, initialEventsEnd: sendInitialEvents == true && bookmarks);
            }
        }

        if (sub is null)
        {
            // The watch cache's wording when one serves watches, etcd's (as recorded with --watch-cache=false) otherwise.
            var expired = _store.HasWatchCache ? Errors.WatchTooOld(from!.Value, _store.WatchStartRv) : Errors.WatchExpiredStatus();
            await WriteEventAsync(body, "ERROR", expired, null, ctx.RequestAborted);
            return;
        }

        var entry = (sub, request, ctx);
        lock (_watchGate)
        {
            _watches.Add(entry);
        }

        using var timeoutCts = new CancellationTokenSource(timeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, sub.Dropped.Token, timeoutCts.Token);
        var bookmarkTask = bookmarks ? BookmarkLoopAsync(sub, timeout, linked.Token) : Task.CompletedTask;
        try
        {
            await ctx.Response.StartAsync(linked.Token);
            await body.FlushAsync(linked.Token);
            if (staleInitial is not null)
            {
                foreach (var (_, obj) in staleInitial)
                {
                    if (Matches(obj, ns, labels, fields))
                    {
                        if (asTable)
                        {
                            await WriteEventAsync(body, "ADDED", w => TableRenderer.Write(w, type, [obj], ObjectWriterRv(obj), null, null,
                                includeObject, options.TimeProvider.GetUtcNow()), linked.Token);
                        }
                        else
                        {
                            await WriteEventAsync(body, "ADDED", obj, type, linked.Token);
                        }
                    }
                }
            }

            StoredEvent? lookahead = null;
            while (true)
            {
                StoredEvent e;
                if (lookahead is not null)
                {
                    e = lookahead;
                    lookahead = null;
                }
                else
                {
                    e = await sub.Channel.Reader.ReadAsync(linked.Token);
                    if (faults.ReordersWatchEvents && e.Type != StoredEvent.Bookmark)
                    {
                        // Give a second event a moment to arrive, then swap the pair if they are about different objects.
                        using var window = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
                        window.CancelAfter(faults.ReorderWindow);
                        try
                        {
                            await sub.Channel.Reader.WaitToReadAsync(window.Token);
                        }
                        catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                        {
                            // No second event within the window: deliver the first as is.
                        }

                        if (sub.Channel.Reader.TryRead(out var next))
                        {
                            if (next.Type != StoredEvent.Bookmark && next.Key != e.Key)
                            {
                                lookahead = e;
                                e = next;
                            }
                            else
                            {
                                lookahead = next;
                            }
                        }
                    }
                }

                string? eventType;
                JsonObject? obj;
                if (e.Type == StoredEvent.Bookmark)
                {
                    eventType = StoredEvent.Bookmark;
                    var bookmarkMeta = new JsonObject { ["resourceVersion"] = e.Rv.ToString(CultureInfo.InvariantCulture) };
                    if (e.InitialEventsEnd)
                    {
                        bookmarkMeta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
                    }

                    obj = new JsonObject
                    {
                        ["kind"] = type.Kind,
                        ["apiVersion"] = type.ApiVersion,
                        ["metadata"] = bookmarkMeta,
                    };
                    await WriteEventAsync(body, eventType, obj, null, linked.Token);
                    continue;
                }

                (eventType, obj) = Classify(e, ns, labels, fields);
                if (eventType is null || obj is null)
                {
                    continue;
                }

                if (faults.WatchDelay is { } delay && delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, options.TimeProvider, linked.Token);
                }

                for (var copy = faults.DuplicatesWatchEvents ? 2 : 1; copy > 0; copy--)
                {
                    if (asTable)
                    {
                        // kubectl get -w asks for tables: each event carries a one-row Table.
                        var row = obj;
                        await WriteEventAsync(body, eventType, w => TableRenderer.Write(w, type, [row], ObjectWriterRv(row), null, null,
                            includeObject, options.TimeProvider.GetUtcNow()), linked.Token);
                    }
                    else
                    {
                        await WriteEventAsync(body, eventType, obj, type, linked.Token);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (sub.Dropped.IsCancellationRequested)
            {
                ctx.Abort();
            }
        }
        catch (IOException)
        {
            // The client closed the stream.
        }
        finally
        {
            lock (_watchGate)
            {
                _watches.Remove(entry);
            }

            await linked.CancelAsync();
            try
            {
                await bookmarkTask;
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown of the watch.
            }

            sub.Dispose();
        }
    }

    private static string? ObjectWriterRv(JsonObject obj) => JsonUtil.Str(obj["metadata"], "resourceVersion");

    private async Task BookmarkLoopAsync(WatchSubscription sub, TimeSpan timeout, CancellationToken ct)
    {
        // Periodic bookmarks, plus one shortly before the server-side timeout (kube-apiserver sends one then too).
        var start = options.TimeProvider.GetUtcNow();
        var finalAt = timeout - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1.5).Ticks, timeout.Ticks / 5));
        var sentFinal = false;
        while (!ct.IsCancellationRequested)
        {
            var untilFinal = finalAt - (options.TimeProvider.GetUtcNow() - start);
            var wait = options.BookmarkInterval;
            if (!sentFinal && untilFinal <= wait)
            {
                wait = untilFinal;
                sentFinal = true;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, options.TimeProvider, ct);
            }

            _store.QueueBookmark(sub);
        }
    }

    private static bool Matches(JsonObject? obj, string? ns, Selector labels, Selector fields) =>
        obj is not null &&
        (string.IsNullOrEmpty(ns) || JsonUtil.Str(obj["metadata"], "namespace") == ns) &&
        labels.Matches(obj) && fields.Matches(obj);

    private static (string? Type, JsonObject? Object) Classify(StoredEvent e, string? ns, Selector labels, Selector fields)
    {
        switch (e.Type)
        {
            case StoredEvent.Added:
                return Matches(e.Object, ns, labels, fields) ? (e.Type, e.Object) : (null, null);
            case StoredEvent.Deleted:
                return Matches(e.Previous, ns, labels, fields) ? (e.Type, e.Object) : (null, null);
            default:
                var now = Matches(e.Object, ns, labels, fields);
                var before = Matches(e.Previous, ns, labels, fields);
                return (now, before) switch
                {
                    (true, true) => (StoredEvent.Modified, e.Object),
                    (true, false) => (StoredEvent.Added, e.Object),
                    (false, true) => (StoredEvent.Deleted, e.Object),
                    _ => (null, null),
                };
        }
    }

    private static Task WriteEventAsync(Stream body, string type, JsonObject obj, ResourceType? resourceType, CancellationToken ct) =>
        WriteEventAsync(body, type, w => ObjectWriter.WriteObject(w, obj, resourceType), ct);

    private static async Task WriteEventAsync(Stream body, string type, Action<Utf8JsonWriter> writeObject, CancellationToken ct)
    {
        var bytes = ObjectWriter.ToBytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName("object");
            writeObject(w);
            w.WriteEndObject();
        });
        await body.WriteAsync(bytes, ct);
        await body.WriteAsync("\n"u8.ToArray(), ct);
        await body.FlushAsync(ct);
    }

    private async Task LogAsync(HttpContext ctx, ResourceType type, string ns, string name)
    {
        var pod = ops.Get(type, ns, name);
        var query = ctx.Request.Query;
        var container = query["container"].ToString();
        var containers = ((pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [])
            .Select(c => JsonUtil.Str(c, "name") ?? "").ToList();
        if (container.Length == 0)
        {
            if (containers.Count > 1)
            {
                throw Errors.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', containers)}]");
            }

            container = containers.FirstOrDefault() ?? "";
        }
        else if (!containers.Contains(container))
        {
            throw Errors.BadRequest($"container {container} is not valid for pod {name}");
        }

        long? ParseLong(string key) => long.TryParse(query[key].ToString(), out var v) ? v : null;
        var request = new PodLogRequest(ns, name, JsonUtil.Str(pod["metadata"], "uid"), container, IsTrue(query["follow"]),
            IsTrue(query["previous"]), ParseLong("tailLines"), ParseLong("limitBytes"), IsTrue(query["timestamps"]));
        var waiting = $"container \"{container}\" in pod \"{name}\" is waiting to start: ContainerCreating";
        if (options.PodLogProvider is not { } provider)
        {
            throw Errors.BadRequest(waiting);
        }

        // Buffer until the provider says it has a log, so a missing log can still answer 400.
        var buffer = new MemoryStream();
        var follow = request.Follow;
        if (!follow)
        {
            if (!await provider.TryWriteLogAsync(request, buffer, ctx.RequestAborted))
            {
                throw Errors.BadRequest(waiting);
            }

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            ctx.Response.ContentLength = buffer.Length;
            buffer.Position = 0;
            await buffer.CopyToAsync(ctx.Response.Body, ctx.RequestAborted);
            return;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        var stream = new FlushingStream(ctx.Response.Body);
        if (!await provider.TryWriteLogAsync(request, stream, ctx.RequestAborted) && !ctx.Response.HasStarted)
        {
            throw Errors.BadRequest(waiting);
        }
    }

    private static Task<string> ReadTextAsync(HttpContext ctx) => RequestBody.ReadTextAsync(ctx);

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var text = await ReadTextAsync(ctx);
        var contentType = ctx.Request.ContentType ?? "application/json";
        if (contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase))
        {
            return YamlJson.ParseDocuments(text).FirstOrDefault() as JsonObject ?? throw Errors.BadRequest("the request body must be one YAML object");
        }

        try
        {
            return JsonUtil.ParseObject(text, "request body");
        }
        catch (FormatException e)
        {
            throw Errors.BadRequest(e.Message);
        }
    }

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext ctx)
    {
        var query = ctx.Request.Query;
        var text = await ReadTextAsync(ctx);
        JsonObject body = new();
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                body = JsonUtil.ParseObject(text, "DeleteOptions");
            }
            catch (FormatException e)
            {
                throw Errors.BadRequest(e.Message);
            }
        }

        long? grace = JsonUtil.Long(body, "gracePeriodSeconds");
        if (grace is null && long.TryParse(query["gracePeriodSeconds"].ToString(), out var g))
        {
            grace = g;
        }

        var policy = JsonUtil.Str(body, "propagationPolicy") ?? (query["propagationPolicy"].ToString() is { Length: > 0 } p ? p : null);
        var orphan = JsonUtil.Bool(body["orphanDependents"]) is { } o ? o : IsTrue(query["orphanDependents"]) ? true : (bool?)null;
        if (policy is null && orphan == true)
        {
            policy = "Orphan";
        }

        if (policy is not (null or "Orphan" or "Background" or "Foreground"))
        {
            throw Errors.BadRequest($"propagationPolicy \"{policy}\" is not supported: use Orphan, Background or Foreground");
        }

        var pre = body["preconditions"] as JsonObject;
        return new DeleteOptions(grace, policy, JsonUtil.Str(pre, "uid"), JsonUtil.Str(pre, "resourceVersion"));
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int code, byte[] bytes)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }

    /// <summary>Flushes after every write so followed logs reach the client as they are produced.</summary>
    private sealed class FlushingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            await inner.FlushAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
