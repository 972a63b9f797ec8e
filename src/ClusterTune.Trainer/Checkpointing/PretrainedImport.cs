using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Checkpointing;

/// <summary>
/// Base weights trained elsewhere: a bare safetensors file (PyTorch's <c>model.state_dict()</c> saved with
/// <c>safetensors.torch.save_file</c>) used as CT_MODEL_URI without a ClusterTune manifest. The name mapping is
/// PyTorch's own: the reference model's parameter names are the state-dict names of the PyTorch module in
/// src/ClusterTune.Trainer/python/clustertune_cnn.py (docs/trainer.md, "Importing weights"); a wrapper prefix that
/// every name shares — <c>module.</c> (DataParallel/DDP) or <c>model.</c> (Lightning) — is stripped. F16/BF16/F64
/// become float32. The file's <c>__metadata__</c> may carry <c>architecture</c> (it picks the workload) and <c>pretrainingLr</c>.
/// </summary>
public static class PretrainedImport
{
    public const string ArchitectureKey = "architecture";
    public const string PretrainingLrKey = "pretrainingLr";

    /// <summary>Wrapper prefixes stripped when every tensor name has the same one.</summary>
    public static IReadOnlyList<string> WrapperPrefixes { get; } = ["module.", "model."];

    /// <summary>True when <paramref name="path"/> is a bare safetensors file rather than a checkpoint directory.</summary>
    public static bool IsBareFile(string path) => File.Exists(path) && path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);

    /// <summary>The tensors under the model's names (caller owns them) and the file's metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        if (ResumeCheck.SafetensorsProblem(path) is { } problem)
        {
            throw new InvalidDataException($"{problem}; re-export the weights with safetensors' save_file");
        }

        return (StripWrapper(Checkpoint.ReadSafetensors(path)), Metadata(path));
    }

    /// <summary>The file's metadata and its <c>architecture</c> entry (null when absent), after checking the framing.</summary>
    public static (IReadOnlyDictionary<string, string> Metadata, string? Architecture) ReadArchitecture(string path)
    {
        if (ResumeCheck.SafetensorsProblem(path) is { } problem)
        {
            throw new InvalidDataException($"{problem}; re-export the weights with safetensors' save_file");
        }

        var metadata = Metadata(path);
        return (metadata, metadata.GetValueOrDefault(ArchitectureKey));
    }

    /// <summary>Removes the wrapper prefix every name shares (one level), so a wrapped state dict loads like the plain one.</summary>
    public static Dictionary<string, Tensor> StripWrapper(Dictionary<string, Tensor> tensors)
    {
        foreach (var prefix in WrapperPrefixes)
        {
            if (tensors.Count > 0 && tensors.Keys.All(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return tensors.ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
            }
        }

        return tensors;
    }

    // The header's "__metadata__" (string to string, per the safetensors format); SafetensorsProblem checked the framing.
    private static Dictionary<string, string> Metadata(string path)
    {
        using var fs = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        fs.ReadExactly(prefix);
        var header = new byte[(int)BinaryPrimitives.ReadUInt64LittleEndian(prefix)];
        fs.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.RootElement.TryGetProperty("__metadata__", out var meta) && meta.ValueKind == JsonValueKind.Object)
        {
            foreach (var item in meta.EnumerateObject().Where(i => i.Value.ValueKind == JsonValueKind.String))
            {
                result[item.Name] = item.Value.GetString()!;
            }
        }

        return result;
    }
}
