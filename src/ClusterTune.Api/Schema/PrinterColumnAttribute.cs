namespace ClusterTune.Api.Schema;

/// <summary>An additionalPrinterColumn of the generated CRD (what `kubectl get` shows); Order sorts the columns.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PrinterColumnAttribute(int order, string name, string type, string jsonPath) : Attribute
{
    public int Order { get; } = order;
    public string Name { get; } = name;
    /// <summary>OpenAPI type: string, integer, number, boolean or date.</summary>
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public string? Description { get; init; }
    public string? Format { get; init; }
    /// <summary>0 = always shown; 1 = only with `-o wide`.</summary>
    public int Priority { get; init; }
}
