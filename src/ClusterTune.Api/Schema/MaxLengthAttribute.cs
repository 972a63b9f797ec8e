namespace ClusterTune.Api.Schema;

/// <summary>OpenAPI `maxLength` for a string property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxLengthAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}
