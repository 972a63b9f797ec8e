using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ClusterTune.Telemetry.Prometheus;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;token&gt;</c> on an endpoint, the token being the content of a file (a mounted
/// Secret, so a rotated Secret takes effect without a restart). Without a file the endpoint stays open.
/// </summary>
public static class BearerTokenFile
{
    /// <summary>
    /// Adds the check to <paramref name="builder"/>'s endpoints when <paramref name="tokenFile"/> is set; throws
    /// <see cref="InvalidOperationException"/> at once when the file cannot be read or is empty, so a misconfigured
    /// process fails at start rather than serving an endpoint nobody can (or everybody may) scrape.
    /// </summary>
    public static TBuilder RequireBearerTokenFile<TBuilder>(this TBuilder builder, string? tokenFile) where TBuilder : IEndpointConventionBuilder
    {
        if (tokenFile is null)
        {
            return builder;
        }

        var current = Read(tokenFile) ?? throw new InvalidOperationException($"--metrics-token-file {tokenFile}: the file cannot be read or is empty (it must hold the bearer token Prometheus sends)");
        builder.AddEndpointFilter(async (context, next) =>
        {
            // Re-read on each request (scrapes are seconds apart) so a rotated Secret applies; keep the last good one.
            current = Read(tokenFile) ?? current;
            if (Authorized(context.HttpContext.Request.Headers.Authorization.ToString(), current))
            {
                return await next(context);
            }

            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"clustertune-metrics\"";
            return Results.Text("unauthorized: send Authorization: Bearer <the token in the operator's --metrics-token-file>\n", statusCode: StatusCodes.Status401Unauthorized);
        });
        return builder;
    }

    /// <summary>Whether an Authorization header value carries <paramref name="token"/>; compared in constant time.</summary>
    public static bool Authorized(string? authorization, string token)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // Hashing first makes the comparison constant-time in the length of the guess too.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim())),
            SHA256.HashData(Encoding.UTF8.GetBytes(token)));
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
