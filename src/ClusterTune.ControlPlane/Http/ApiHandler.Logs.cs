using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.ControlPlane.Resources;
using Microsoft.AspNetCore.Http;
using static ClusterTune.ControlPlane.Http.RequestQuery;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Pod logs (GET pods/{name}/log), plain or followed.</summary>
internal sealed partial class ApiHandler
{
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
}
