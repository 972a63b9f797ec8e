namespace ClusterTune.Api.Schema;

/// <summary>Marks a root type as a custom resource and gives the names its CRD is generated with.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CustomResourceAttribute(string kind, string plural, string singular) : Attribute
{
    public string Kind { get; } = kind;
    public string Plural { get; } = plural;
    public string Singular { get; } = singular;
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
    /// <summary>Namespaced (true) or Cluster (false).</summary>
    public bool Namespaced { get; init; } = true;
}
