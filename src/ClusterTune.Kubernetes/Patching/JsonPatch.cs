using System.Text.Json.Nodes;

namespace ClusterTune.Kubernetes.Patching;

/// <summary>An RFC 6902 JSON patch; a <c>test</c> op makes it compare-and-swap (a failed test gives 422).</summary>
public sealed class JsonPatch
{
    private readonly JsonArray _ops = new();

    /// <summary>Fails the whole patch unless the value at <paramref name="path"/> equals <paramref name="value"/>.</summary>
    public JsonPatch Test<T>(string path, T value) => Op("test", path, PatchJson.ToNode(value));

    public JsonPatch Add<T>(string path, T value) => Op("add", path, PatchJson.ToNode(value));

    public JsonPatch Replace<T>(string path, T value) => Op("replace", path, PatchJson.ToNode(value));

    public JsonPatch Remove(string path) => Op("remove", path, null, withValue: false);

    /// <summary>Number of operations.</summary>
    public int Count => _ops.Count;

    /// <summary>True when the patch has a test op, i.e. repeating it cannot apply twice.</summary>
    public bool HasTest => _ops.Any(o => (string?)o!["op"] == "test");

    /// <summary>Escapes a key for a JSON pointer segment ("~" → "~0", "/" → "~1"), e.g. for label keys.</summary>
    public static string Escape(string segment) => segment.Replace("~", "~0").Replace("/", "~1");

    public JsonArray ToJson() => (JsonArray)_ops.DeepClone();

    public override string ToString() => _ops.ToJsonString();

    private JsonPatch Op(string op, string path, JsonNode? value, bool withValue = true)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            throw new ArgumentException($"JSON patch path '{path}' must be a JSON pointer starting with '/'.", nameof(path));
        }

        var o = new JsonObject { ["op"] = op, ["path"] = path };
        if (withValue)
        {
            o["value"] = value;
        }

        _ops.Add(o);
        return this;
    }
}
