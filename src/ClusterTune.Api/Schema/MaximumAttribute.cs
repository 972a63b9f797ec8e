namespace ClusterTune.Api.Schema;

/// <summary>OpenAPI `maximum` (with `exclusiveMaximum` when Exclusive) for a numeric property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaximumAttribute(double value) : Attribute
{
    public double Value { get; } = value;
    public bool Exclusive { get; init; }
}
