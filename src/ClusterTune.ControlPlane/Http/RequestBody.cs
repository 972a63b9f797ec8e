using System.Text;
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
        if (ctx.Request.ContentLength > MaxBytes) throw TooLarge();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            if (buffer.Length + n > MaxBytes) throw TooLarge();
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

    // k8s.io/apiserver endpoints/handlers/rest.go limitedReadBody: errors.NewRequestEntityTooLargeError("limit is N").
    private static ApiException TooLarge() =>
        new(413, Errors.Status(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBytes}", null));
}
