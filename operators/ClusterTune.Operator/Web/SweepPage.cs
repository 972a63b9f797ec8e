using System.Text.Json;
using ClusterTune.Telemetry.Prometheus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClusterTune.Operator.Web;

/// <summary>
/// The read-only sweep page under /ui/: a static shell (HTML, JS, CSS embedded in this assembly, no CDN) that polls
/// /ui/api/sweeps (the list) and /ui/api/sweeps/{namespace}/{name} (one sweep) every few seconds. The JSON carries
/// the data and needs the same bearer token as /metrics when the operator has one; the shell carries none and is open.
/// </summary>
public static class SweepPage
{
    /// <summary>The page's path; the printed URL of a sweep is <c>{base}ui/?sweep={namespace}/{name}</c>.</summary>
    public const string Path = "/ui/";

    /// <summary>How the JSON is written: camelCase, as the page's script reads it.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>The URL of one sweep's page on a server at <paramref name="baseAddress"/>.</summary>
    public static string UrlOf(Uri baseAddress, string @namespace, string name) =>
        $"{baseAddress.ToString().TrimEnd('/')}{Path}?sweep={Uri.EscapeDataString(@namespace)}/{Uri.EscapeDataString(name)}";

    /// <summary>Maps the page and its JSON on <paramref name="app"/>; <paramref name="tokenFile"/> as for /metrics.</summary>
    public static IEndpointRouteBuilder MapSweepPages(this IEndpointRouteBuilder app, ISweepSource source, string? tokenFile, TimeProvider time)
    {
        // Routing treats /ui and /ui/ as one route; the page's relative links need the slash.
        app.MapGet(Path, (HttpRequest r) => r.Path.Value!.EndsWith('/') ? Asset("index.html") : Results.Redirect(Path + r.QueryString));
        app.MapGet(Path + "app.js", () => Asset("app.js"));
        app.MapGet(Path + "app.css", () => Asset("app.css"));
        var api = app.MapGroup(Path + "api");
        api.MapGet("/sweeps", async (CancellationToken ct) => Results.Json(await ListAsync(source, ct), Json));
        api.MapGet("/sweeps/{ns}/{name}", async (string ns, string name, CancellationToken ct) =>
            await DetailAsync(source, ns, name, time.GetUtcNow(), ct) is { } detail
                ? Results.Json(detail, Json)
                : Results.Json(new { error = $"FineTuneJob {ns}/{name} not found" }, Json, statusCode: StatusCodes.Status404NotFound));
        api.RequireBearerTokenFile(tokenFile);
        return app;
    }

    /// <summary>The list of sweeps, as /ui/api/sweeps returns it.</summary>
    public static async Task<IReadOnlyList<SweepSummary>> ListAsync(ISweepSource source, CancellationToken ct)
    {
        var list = new List<SweepSummary>();
        foreach (var job in await source.JobsAsync(ct))
        {
            list.Add(SweepViews.Summary(job, await source.TrialsAsync(job, ct)));
        }

        return list;
    }

    /// <summary>One sweep, as /ui/api/sweeps/{namespace}/{name} returns it; null when the job does not exist.</summary>
    public static async Task<SweepDetail?> DetailAsync(ISweepSource source, string @namespace, string name, DateTimeOffset now, CancellationToken ct) =>
        await source.JobAsync(@namespace, name, ct) is { } job ? SweepViews.Detail(job, await source.TrialsAsync(job, ct), now) : null;

    /// <summary>The text of an embedded asset (index.html, app.js, app.css): the static export inlines them.</summary>
    public static string AssetText(string name)
    {
        using var stream = typeof(SweepPage).Assembly.GetManifestResourceStream("ClusterTune.Operator.Web.Assets." + name)
            ?? throw new InvalidOperationException($"the sweep page asset {name} is not embedded in {typeof(SweepPage).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static IResult Asset(string name) => Results.Text(AssetText(name), System.IO.Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "text/html; charset=utf-8",
    });
}
