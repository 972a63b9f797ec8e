namespace ClusterTune.Torch.Checkpoints;

/// <summary>The parsed header of a safetensors file: entries in file order, metadata, and where the data starts.</summary>
public sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorInfo> Tensors, IReadOnlyDictionary<string, string> Metadata, long DataOffset);
