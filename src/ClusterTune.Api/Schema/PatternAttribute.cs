namespace ClusterTune.Api.Schema;

/// <summary>OpenAPI `pattern` (ECMA-262 regular expression) for a string property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string value) : Attribute
{
    public string Value { get; } = value;
}
