namespace ClusterTune.Api.Schema;

/// <summary>OpenAPI `maxItems`: bounds a list so status objects stay far below etcd's object size limit.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MaxItemsAttribute(int value) : Attribute
{
    public int Value { get; } = value;
}
