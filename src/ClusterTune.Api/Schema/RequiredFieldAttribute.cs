namespace ClusterTune.Api.Schema;

/// <summary>The property is listed in its object's OpenAPI `required`, so the API server rejects objects without it.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredFieldAttribute : Attribute;
