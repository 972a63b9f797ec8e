using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api;

namespace ClusterTune.Kubernetes.Serialization;

/// <summary>
/// JSON for Kubernetes bodies: the project's one configuration, <see cref="ApiJson.Options"/> (camelCase, nulls
/// omitted, enums as strings, RFC 3339 times; unknown fields are skipped on read).
/// </summary>
public static class KubernetesJson
{
    /// <summary>Shared, immutable serializer options.</summary>
    public static JsonSerializerOptions Options => ApiJson.Options;

    /// <summary>Serializes a value with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Deserializes a value with <see cref="Options"/>; throws JsonException on malformed input.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"JSON 'null' cannot be read as {typeof(T).Name}.");

    /// <summary>Converts a value to a JSON tree (for building patches).</summary>
    public static JsonNode ToNode<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Options) ?? throw new JsonException("Value serialized to JSON null.");
}
