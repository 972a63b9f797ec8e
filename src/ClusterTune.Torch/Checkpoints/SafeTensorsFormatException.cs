namespace ClusterTune.Torch.Checkpoints;

/// <summary>A safetensors file that is truncated or corrupt; names the file and, when known, the tensor.</summary>
public sealed class SafeTensorsFormatException : IOException
{
    /// <summary>Creates the error; the message starts with the file (and tensor) it is about.</summary>
    public SafeTensorsFormatException(string filePath, string? tensorName, string problem, Exception? inner = null)
        : base(tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}", inner)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>The file that failed to parse.</summary>
    public string FilePath { get; }

    /// <summary>The tensor whose entry is bad, or null when the problem is in the file as a whole.</summary>
    public string? TensorName { get; }
}
