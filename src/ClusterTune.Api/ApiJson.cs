using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;

namespace ClusterTune.Api;

/// <summary>
/// The JSON settings for Kubernetes objects where code needs <see cref="JsonSerializer"/> itself (JsonNode trees,
/// streams): KubernetesClient's own rules (k8s.KubernetesJson: camelCase, nulls omitted, enums as strings, RFC 3339
/// times) plus strict numbers. Whatever KubernetesClient sends or reads uses its settings, which agree with these.
/// </summary>
public static class ApiJson
{
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
                new KubernetesJson.KubernetesDateTimeConverter(),
                new KubernetesJson.KubernetesDateTimeOffsetConverter(),
            },
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
