using System.Text.Json;
using ClusterTune.Operator.Web;

namespace ClusterTune.Cli.Report;

/// <summary>
/// A finished sweep as files for sharing: index.html (the sweep page with its CSS, script and data inlined, so it opens
/// from disk with no server), sweep.json (the data) and the charts as PNG (<see cref="SweepCharts"/>).
/// </summary>
internal static class StaticReport
{
    /// <summary>Writes the report into <paramref name="dir"/> (created when missing); returns the files written.</summary>
    public static IReadOnlyList<string> Write(SweepDetail detail, IReadOnlyList<SweepSummary> sweeps, string dir, DateTimeOffset exported)
    {
        Directory.CreateDirectory(dir);
        var json = JsonSerializer.Serialize(detail, SweepPage.Json);
        File.WriteAllText(Path.Combine(dir, "sweep.json"), json);
        // The default encoder escapes <, > and & in strings, so the data cannot close the <script> element.
        var snapshot = JsonSerializer.Serialize(new { detail, sweeps, exported = exported.ToString("u", System.Globalization.CultureInfo.InvariantCulture) }, SweepPage.Json);
        File.WriteAllText(Path.Combine(dir, "index.html"), Html(snapshot));
        return ["index.html", "sweep.json", .. SweepCharts.Write(detail, dir)];
    }

    /// <summary>The page's HTML with app.css and app.js inlined and the snapshot set before the script runs.</summary>
    public static string Html(string snapshotJson)
    {
        const string css = "<link rel=\"stylesheet\" href=\"app.css\">";
        const string js = "<script src=\"app.js\"></script>";
        var html = SweepPage.AssetText("index.html");
        if (!html.Contains(css, StringComparison.Ordinal) || !html.Contains(js, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("index.html no longer links app.css and app.js as the static export expects");
        }

        return html
            .Replace(css, "<style>\n" + SweepPage.AssetText("app.css") + "</style>", StringComparison.Ordinal)
            .Replace(js, "<script>window.CT_SNAPSHOT = " + snapshotJson + ";</script>\n<script>\n" + SweepPage.AssetText("app.js") + "</script>", StringComparison.Ordinal);
    }
}
