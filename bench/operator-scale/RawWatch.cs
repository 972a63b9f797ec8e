using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>A watch on the API server read line by line (type and raw object), from a resourceVersion on.</summary>
internal static class RawWatch
{
    public static async IAsyncEnumerable<(string Type, JsonElement Object)> StreamAsync(HttpClient http, string path, string resourceVersion, [EnumeratorCancellation] CancellationToken ct)
    {
        var sep = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var rv = resourceVersion;
        while (!ct.IsCancellationRequested)
        {
            using var resp = await http.GetAsync($"{path}{sep}watch=true&allowWatchBookmarks=true&timeoutSeconds=3600&resourceVersion={rv}", HttpCompletionOption.ResponseHeadersRead, ct);
            resp.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                using var doc = JsonDocument.Parse(line);
                var type = doc.RootElement.GetProperty("type").GetString()!;
                var obj = doc.RootElement.GetProperty("object").Clone();
                if (type == "ERROR")
                {
                    throw new InvalidOperationException($"watch {path} failed: {obj}");
                }

                if (obj.TryGetProperty("metadata", out var m) && m.TryGetProperty("resourceVersion", out var v))
                {
                    rv = v.GetString()!;
                }

                if (type != "BOOKMARK")
                {
                    yield return (type, obj);
                }
            }
        }
    }

    public static string? Str(this JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return null;
            }
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : e.GetRawText();
    }
}
