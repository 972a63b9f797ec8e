namespace ClusterTune.Api.Schema;

/// <summary>OpenAPI `minimum` (with `exclusiveMinimum` when Exclusive) for a numeric property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(double value) : Attribute
{
    public double Value { get; } = value;
    public bool Exclusive { get; init; }
}
