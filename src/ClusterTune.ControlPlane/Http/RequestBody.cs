using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using Microsoft.AspNetCore.Http;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// Reads a request body up to kube-apiserver's limit (--max-request-bytes' default for one object, 3 MiB): a larger
/// body is answered 413 with a Status (reason RequestEntityTooLarge), as the real server does, before it is buffered whole.
/// </summary>
internal static class RequestBody
{
    /// <summary>kube-apiserver's default limit of a request body (3 MiB).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>The body's bytes, at most <see cref="MaxBytes"/>.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            if (buffer.Length + n > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>The body as UTF-8 text, at most <see cref="MaxBytes"/> bytes.</summary>
    public static async Task<string> ReadTextAsync(HttpContext ctx)
    {
        var bytes = await ReadBytesAsync(ctx);
        var bom = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        return Encoding.UTF8.GetString(bytes, bom, bytes.Length - bom);
    }

    /// <summary>The body as one JSON or YAML object (by Content-Type); 400 otherwise.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
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

    /// <summary>DeleteOptions from the body and the query (the body wins), as kube-apiserver merges them.</summary>
    public static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext ctx)
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
        var orphan = JsonUtil.Bool(body["orphanDependents"]) is { } o ? o : RequestQuery.IsTrue(query["orphanDependents"]) ? true : (bool?)null;
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

    // k8s.io/apiserver endpoints/handlers/rest.go limitedReadBody: errors.NewRequestEntityTooLargeError("limit is N").
    private static ApiException TooLarge() =>
        new(413, Errors.Status(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBytes}", null));
}
