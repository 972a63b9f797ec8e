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

    /// <summary>Storage key shared by all versions of the same resource.</summary>
    public string StorageKey => $"{Group}/{Plural}";

    public string QualifiedResource => Group == "" ? Plural : $"{Plural}.{Group}";

    public string QualifiedKind => Group == "" ? Kind : $"{Kind}.{Group}";
}
