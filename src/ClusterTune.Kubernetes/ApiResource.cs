using System.Reflection;
using k8s.Models;

namespace ClusterTune.Kubernetes;

/// <summary>Where a model type lives in the API, read from its [KubernetesEntity] attribute ("" group = core).</summary>
public sealed record ApiResource(string Group, string Version, string Kind, string Plural)
{
    /// <summary>"v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The resource of <typeparamref name="T"/>, or a clear error naming the missing attribute.</summary>
    public static ApiResource Of<T>() => Cache<T>.Value;

    private static class Cache<T>
    {
        public static readonly ApiResource Value = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>() is { } e
            ? new ApiResource(e.Group ?? "", e.ApiVersion, e.Kind, e.PluralName)
            : throw new InvalidOperationException(
                $"{typeof(T).Name} has no [KubernetesEntity(Group=..., ApiVersion=..., Kind=..., PluralName=...)] attribute, so its API path is unknown.");
    }
}
