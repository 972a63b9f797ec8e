using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>
/// Replays transcript steps against the embedded server and compares answers with the recording. The recorded
/// resourceVersions and uids differ from ours, so the replayer learns a mapping from each response (recorded value →
/// ours) and rewrites later requests with it; a recorded value that maps to two different values of ours fails.
/// </summary>
internal sealed partial class TranscriptReplayer(ApiClient api)
{
    private readonly Dictionary<string, string> _map = new();

    /// <summary>Teaches the mapping directly (for objects the transcript created in steps it does not show).</summary>
    public void Learn(string recorded, string ours)
    {
        if (_map.TryGetValue(recorded, out var existing))
        {
            Assert.True(existing == ours, $"recorded value {recorded} already maps to {existing}, now seen as {ours}");
            return;
        }

        _map[recorded] = ours;
    }

    public void LearnObject(JsonObject recorded, JsonObject ours)
    {
        foreach (var key in new[] { "resourceVersion", "uid" })
        {
            if (recorded["metadata"]?[key] is JsonValue r && ours["metadata"]?[key] is JsonValue o)
            {
                Learn(r.GetValue<string>(), o.GetValue<string>());
            }
        }
    }

    public string Rewrite(string text)
    {
        foreach (var (recorded, ours) in _map.OrderByDescending(kv => kv.Key.Length))
        {
            text = Regex.Replace(text, $"(?<![0-9a-f-]){Regex.Escape(recorded)}(?![0-9a-f-])", ours);
        }

        return text;
    }

    /// <summary>Sends the step's request and asserts the status code and body shape; returns our response.</summary>
    public async Task<ApiClient.Response> ReplayAsync(Transcript.Step step)
    {
        var path = RewritePath(step.Path);
        var body = step.Body is null ? null : Rewrite(step.Body);
        var response = await api.SendAsync(new HttpMethod(step.Method), path, body, step.ContentType ?? (body is null ? null : "application/json"));
        Assert.True(step.ExpectedCode == response.Code,
            $"step {step.Id} ({step.Title}): expected HTTP {step.ExpectedCode}, got {response.Code}: {response.Text}");
        if (step.ExpectedBody is JsonObject expected)
        {
            AssertBody(step.Id, expected, response.Object);
        }

        return response;
    }

    private string RewritePath(string path)
    {
        // Continue tokens embed a recorded resourceVersion; they are rewritten by the caller when needed.
        var q = path.IndexOf('?');
        if (q < 0)
        {
            return path;
        }

        var parts = path[(q + 1)..].Split('&').Select(p => p.StartsWith("resourceVersion=", StringComparison.Ordinal) ? "resourceVersion=" + Rewrite(p["resourceVersion=".Length..]) : p);
        return path[..q] + "?" + string.Join('&', parts);
    }

    public void AssertBody(string stepId, JsonObject expected, JsonObject actual)
    {
        if (expected["kind"]?.GetValue<string>() == "Status")
        {
            var rewritten = JsonNode.Parse(Rewrite(expected.ToJsonString()))!;
            Assert.True(JsonNode.DeepEquals(rewritten, actual),
                $"step {stepId}: Status body differs\nexpected: {rewritten.ToJsonString()}\nactual:   {actual.ToJsonString()}");
            return;
        }

        CompareObject(stepId, "", expected, actual);
    }

    private void CompareObject(string stepId, string path, JsonNode? expected, JsonNode? actual)
    {
        switch (expected)
        {
            case JsonObject eo:
                Assert.True(actual is JsonObject, $"step {stepId}: {path} should be an object, got {actual?.ToJsonString() ?? "nothing"}");
                var ao = (JsonObject)actual!;
                var expectedKeys = eo.Select(kv => kv.Key).Where(k => k != "managedFields").ToHashSet();
                var actualKeys = ao.Select(kv => kv.Key).Where(k => k != "managedFields").ToHashSet();
                if (path == ".metadata")
                {
                    // The recording's server also set labels/annotations we never sent; compare what it did send.
                    actualKeys.Remove("annotations");
                }

                Assert.True(expectedKeys.SetEquals(actualKeys),
                    $"step {stepId}: keys of {(path == "" ? "the object" : path)} differ: expected [{string.Join(", ", expectedKeys.Order())}], got [{string.Join(", ", actualKeys.Order())}]");
                foreach (var key in expectedKeys)
                {
                    CompareValue(stepId, $"{path}.{key}", eo[key], ao[key]);
                }

                break;
            default:
                CompareValue(stepId, path, expected, actual);
                break;
        }
    }

    private void CompareValue(string stepId, string path, JsonNode? expected, JsonNode? actual)
    {
        switch (path)
        {
            case ".metadata.resourceVersion" or ".metadata.uid":
                Learn(expected!.GetValue<string>(), actual!.GetValue<string>());
                return;
            case ".metadata.creationTimestamp" or ".metadata.deletionTimestamp" or ".status.conditions" when actual is not null:
                Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", actual is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : "2000-01-01T00:00:00Z");
                if (path != ".status.conditions")
                {
                    return;
                }

                break;
        }

        if (expected is JsonObject)
        {
            CompareObject(stepId, path, expected, actual);
            return;
        }

        var rewritten = expected is null ? null : JsonNode.Parse(Rewrite(expected.ToJsonString()));
        Assert.True(JsonNode.DeepEquals(rewritten, actual),
            $"step {stepId}: {path} expected {rewritten?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}");
    }
}
