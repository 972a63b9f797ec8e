using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>One served resource (group, version, plural) and how the server treats it.</summary>
internal sealed class ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public string ListKind => Kind + "List";

    public required bool Namespaced { get; init; }

    public string[] ShortNames { get; init; } = [];

    public string[] Categories { get; init; } = [];

    /// <summary>Subresources served, e.g. "status", "binding", "log".</summary>
    public string[] Subresources { get; init; } = [];

    public string[] Verbs { get; init; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public bool IsCustom { get; init; }

    /// <summary>Whether metadata.generation is tracked (custom resources and CRDs).</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>The openAPIV3Schema of a custom resource version, when it declares one.</summary>
    public JsonObject? Schema { get; init; }

    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    public bool HasStatus => Subresources.Contains("status");

    public string ApiVersion => Group == "" ? Version : $"{Group}/{Version}";

    private readonly string? _storageKey;

    /// <summary>
    /// Storage key shared by all versions of the same resource (and by a resource served in two groups, like
    /// events and events.k8s.io events); defaults to group/plural.
    /// </summary>
    public string StorageKey
    {
        get => _storageKey ?? $"{Group}/{Plural}";
        init => _storageKey = value;
    }

    /// <summary>Converts a request body of this version to the stored form (and validates it); null when they are the same.</summary>
    public Func<JsonObject, JsonObject>? ToStorage { get; init; }

    /// <summary>Converts a stored object to this version's form; null when they are the same.</summary>
    public Func<JsonObject, JsonObject>? FromStorage { get; init; }

    public string QualifiedResource => Group == "" ? Plural : $"{Plural}.{Group}";

    public string QualifiedKind => Group == "" ? Kind : $"{Kind}.{Group}";
}
