using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>
/// A recorded kube-apiserver transcript (TestData/transcript-*.txt): steps "### id. title", each with the request
/// sent and the status code and body the real server answered.
/// </summary>
internal sealed partial class Transcript
{
    private readonly Dictionary<string, Step> _steps = new();

    public sealed record Step(string Id, string Title, string Method, string Path, string? ContentType, string? Body, int ExpectedCode, JsonNode? ExpectedBody);

    public static Transcript Load(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", fileName));
        var t = new Transcript();
        foreach (var block in text.Split("\n### ").Skip(1))
        {
            var lines = block.Split('\n');
            var header = HeaderRegex().Match(lines[0]);
            if (lines.Length < 2)
            {
                continue;
            }

            var request = RequestRegex().Match(lines[1]);
            if (!request.Success)
            {
                continue;
            }

            string? body = null;
            var i = 2;
            if (i < lines.Length && lines[i].StartsWith("body: ", StringComparison.Ordinal))
            {
                var bodyLines = new List<string> { lines[i]["body: ".Length..] };
                i++;
                while (i < lines.Length && !lines[i].StartsWith("-> HTTP", StringComparison.Ordinal))
                {
                    bodyLines.Add(lines[i]);
                    i++;
                }

                body = string.Join('\n', bodyLines).TrimEnd() + (bodyLines.Count > 1 ? "\n" : "");
            }

            while (i < lines.Length && !lines[i].StartsWith("-> HTTP", StringComparison.Ordinal))
            {
                i++;
            }

            if (i >= lines.Length)
            {
                continue;
            }

            var code = int.Parse(CodeRegex().Match(lines[i]).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            JsonNode? expected = null;
            if (i + 1 < lines.Length && lines[i + 1].StartsWith('{'))
            {
                try
                {
                    expected = JsonNode.Parse(lines[i + 1]);
                }
                catch (System.Text.Json.JsonException)
                {
                    // Truncated in the recording; only the status code is compared.
                }
            }

            // Headers are "### 19a. title" or just "### title"; the latter is addressed by its whole text.
            var id = header.Success ? header.Groups[1].Value : lines[0].Trim();
            t._steps[id] = new Step(id, header.Success ? header.Groups[2].Value : id, request.Groups[1].Value, request.Groups[2].Value,
                request.Groups[3].Success ? request.Groups[3].Value : null, body, code, expected);
        }

        return t;
    }

    public Step this[string id] => _steps.TryGetValue(id, out var s) ? s : throw new KeyNotFoundException($"transcript has no step \"{id}\"");

    [GeneratedRegex(@"^([0-9A-Za-z]+)\. (.*)$")]
    private static partial Regex HeaderRegex();

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|DELETE) (\S+)(?:\s+\[Content-Type: ([^\]]+)\])?")]
    private static partial Regex RequestRegex();

    [GeneratedRegex(@"-> HTTP (\d+)")]
    private static partial Regex CodeRegex();
}
