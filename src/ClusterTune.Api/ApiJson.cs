using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api;

/// <summary>The one JSON configuration for Kubernetes objects, shared by the client, the operator and the CLI.</summary>
public static class ApiJson
{
    /// <summary>camelCase names, nulls omitted, enums as strings, RFC 3339 UTC times; read-only after first use.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null, // map keys (labels, params, resource names) are data, never renamed
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            Converters =
            {
                new JsonStringEnumConverter(),
                new Rfc3339TimeConverter(),
            },
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
