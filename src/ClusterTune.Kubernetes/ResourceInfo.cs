namespace ClusterTune.Kubernetes;

/// <summary>Where a type lives in the API: group, version, kind, plural and scope.</summary>
/// <param name="Group">"" for the core group.</param>
/// <param name="FullyModelled">True only for types whose C# model carries every field (ClusterTune's own CRDs);
/// only those may be replaced with PUT, because a PUT of a partial model would drop unknown fields.</param>
public sealed record ResourceInfo(string Group, string Version, string Kind, string Plural, bool Namespaced, bool FullyModelled = false)
{
    /// <summary>"v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    /// <summary>The collection path, e.g. /api/v1/namespaces/ns/pods or /apis/g/v/plural (all namespaces).</summary>
    public string CollectionPath(string? @namespace)
    {
        var prefix = Group.Length == 0 ? "/api/" + Version : $"/apis/{Group}/{Version}";
        if (Namespaced && @namespace is not null)
            prefix += "/namespaces/" + Uri.EscapeDataString(@namespace);
        return prefix + "/" + Plural;
    }

    /// <summary>The path of one object, optionally with a subresource (status, binding, log).</summary>
    public string ObjectPath(string? @namespace, string name, string? subresource = null)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException($"An object name is required to address a single {Kind}.", nameof(name));
        if (Namespaced && string.IsNullOrEmpty(@namespace))
            throw new ArgumentException($"{Kind} is namespaced: pass a namespace for '{name}'.", nameof(@namespace));
        var path = CollectionPath(Namespaced ? @namespace : null) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }
}
