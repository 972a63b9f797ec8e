namespace ClusterTune.ControlPlane.Resources;

/// <summary>An additionalPrinterColumns entry of a CRD version (or a built-in table column).</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description, int Priority, string? Format);
