namespace ClusterTune.Torch.Checkpoints;

/// <summary>One header entry of a safetensors file: dtype code ("F32", "BF16", ...), shape and byte range in the data section.</summary>
public sealed record SafeTensorInfo(string Name, string DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long NumElements => Shape.Aggregate(1L, (a, b) => a * b);
}
