using Microsoft.Playwright;
using SkiaSharp;

namespace ClusterTune.Cli.Tests.Web;

/// <summary>
/// Debian's chromium driven headless through Playwright (given its path: Playwright's own browser download is not
/// reachable here), with every console error, page error and failed request of a page collected.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>The chromium executable on PATH, or null.</summary>
    public static string? Path => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => System.IO.Path.Combine(d, "chromium")).FirstOrDefault(File.Exists);

    /// <summary>What went wrong on the pages opened so far: console errors, uncaught exceptions, HTTP errors.</summary>
    public List<string> Errors { get; } = [];

    public static async Task<Browser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Path, Headless = true });
        return new Browser(playwright, browser);
    }

    /// <summary>A new page at <paramref name="url"/>, its errors collected into <see cref="Errors"/>.</summary>
    public async Task<IPage> OpenAsync(string url)
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1800 } });
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (Errors)
                {
                    Errors.Add($"console: {m.Text} ({m.Location})");
                }
            }
        };
        page.PageError += (_, e) => { lock (Errors) { Errors.Add($"page error: {e}"); } };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                lock (Errors)
                {
                    Errors.Add($"HTTP {r.Status} {r.Url}");
                }
            }
        };
        await page.GotoAsync(url);
        return page;
    }

    /// <summary>
    /// How many distinct colours a PNG has and what fraction of its pixels differ from its most common colour (the
    /// background): a blank or single-colour image has 1 and 0.
    /// </summary>
    public static (int Colours, double Drawn) Ink(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("not a PNG");
        var counts = new Dictionary<uint, int>();
        foreach (var p in bitmap.Pixels)
        {
            counts[(uint)p] = counts.GetValueOrDefault((uint)p) + 1;
        }

        var background = counts.Values.Max();
        return (counts.Count, 1 - ((double)background / bitmap.Pixels.Length));
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
