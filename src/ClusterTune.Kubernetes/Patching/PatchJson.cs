using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterTune.Kubernetes.Patching;

internal static class PatchJson
{
    /// <summary>A value as a JSON tree, serialized the way KubernetesClient sends it.</summary>
    public static JsonNode? ToNode<T>(T value) =>
        value is null ? null : value as JsonNode ?? JsonNode.Parse(k8s.KubernetesJson.Serialize(value!));
}
