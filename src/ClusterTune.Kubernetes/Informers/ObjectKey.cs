using k8s;
using k8s.Models;

namespace ClusterTune.Kubernetes.Informers;

/// <summary>The cache key of an object: "namespace/name", or "name" for cluster-scoped objects.</summary>
public static class ObjectKey
{
    public static string Of(IMetadata<V1ObjectMeta> obj) => Of(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? "");

    public static string Of(string? @namespace, string name) =>
        string.IsNullOrEmpty(@namespace) ? name : @namespace + "/" + name;

    /// <summary>Splits a key back into namespace (null when cluster-scoped) and name.</summary>
    public static (string? Namespace, string Name) Split(string key)
    {
        var i = key.IndexOf('/');
        return i < 0 ? (null, key) : (key[..i], key[(i + 1)..]);
    }
}
