using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;
using Microsoft.AspNetCore.Http;
using static ClusterTune.ControlPlane.Http.RequestQuery;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Routes one HTTP request to discovery, CRUD, list, watch, binding or log handling.</summary>
internal sealed partial class ApiHandler(Operations ops, EmbeddedApiServerOptions options, FaultInjector faults, Func<string> serverAddress)
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


    private static async Task WriteJsonAsync(HttpContext ctx, int code, byte[] bytes)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }
}
