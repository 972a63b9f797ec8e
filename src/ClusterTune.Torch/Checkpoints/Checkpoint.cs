using System.Security.Cryptography;
using System.Text.Json;

namespace ClusterTune.Torch.Checkpoints;

/// <summary>
/// A checkpoint directory: model.safetensors (weights), optional optimizer.safetensors (AdamW state, see
/// <see cref="Optim.AdamW.StateDict"/>), optional extra tensor files (e.g. adapter.safetensors) and manifest.json.
/// Saving writes a sibling temporary directory and renames it into place, so a reader sees the old or the new
/// checkpoint, never a mix.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the weights.</summary>
    public const string WeightsFile = "model.safetensors";
    /// <summary>File name of the optimizer state.</summary>
    public const string OptimizerFile = "optimizer.safetensors";
    /// <summary>File name of the manifest.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Writes the checkpoint atomically into <paramref name="directory"/> (replacing an existing one) and returns the
    /// manifest as written, with the SHA-256 of every file.
    /// </summary>
    public static CheckpointManifest Save(string directory, IEnumerable<KeyValuePair<string, Tensor>> weights, CheckpointManifest manifest,
        IEnumerable<KeyValuePair<string, Tensor>>? optimizerState = null,
        IReadOnlyDictionary<string, IEnumerable<KeyValuePair<string, Tensor>>>? extraTensorFiles = null)
    {
        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{directory}' has no parent directory", nameof(directory));
        Directory.CreateDirectory(parent);
        var name = Path.GetFileName(full);
        var temp = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var files = new Dictionary<string, string>(StringComparer.Ordinal);
            SafeTensors.Write(Path.Combine(temp, WeightsFile), weights);
            files[WeightsFile] = Sha256(Path.Combine(temp, WeightsFile));
            if (optimizerState is not null)
            {
                SafeTensors.Write(Path.Combine(temp, OptimizerFile), optimizerState);
                files[OptimizerFile] = Sha256(Path.Combine(temp, OptimizerFile));
            }
            foreach (var (file, tensors) in extraTensorFiles ?? new Dictionary<string, IEnumerable<KeyValuePair<string, Tensor>>>())
            {
                if (file != Path.GetFileName(file) || file is WeightsFile or OptimizerFile or ManifestFile)
                    throw new ArgumentException($"extra tensor file name '{file}' must be a plain file name other than {WeightsFile}, {OptimizerFile}, {ManifestFile}", nameof(extraTensorFiles));
                SafeTensors.Write(Path.Combine(temp, file), tensors);
                files[file] = Sha256(Path.Combine(temp, file));
            }
            var written = manifest with { WeightsSha256 = files[WeightsFile], Files = files };
            var manifestPath = Path.Combine(temp, ManifestFile);
            using (var fs = new FileStream(manifestPath, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(fs, written, s_json);
                fs.Flush(flushToDisk: true);
            }
            SwapInto(temp, full);
            return written;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    // rename(2) cannot replace a non-empty directory, so an existing checkpoint is renamed aside first and
    // deleted after the new one is in place.
    private static void SwapInto(string temp, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return;
        }
        var old = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
        Directory.Move(target, old);
        Directory.Move(temp, target);
        Directory.Delete(old, recursive: true);
    }

    /// <summary>Reads manifest.json, with a clear error when it is missing or malformed.</summary>
    public static CheckpointManifest ReadManifest(string directory)
    {
        var path = Path.Combine(directory, ManifestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: checkpoint manifest not found (is '{directory}' a checkpoint directory?)", path);
        try
        {
            using var fs = File.OpenRead(path);
            return JsonSerializer.Deserialize<CheckpointManifest>(fs, s_json) ?? throw new InvalidDataException($"{path}: manifest is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: manifest is not valid JSON for a checkpoint manifest ({e.Message})", e);
        }
    }

    /// <summary>Reads the weights (as float32 for floating dtypes), verifying their SHA-256 against the manifest.</summary>
    public static Dictionary<string, Tensor> LoadWeights(string directory, bool verifyHash = true) =>
        LoadFile(directory, WeightsFile, verifyHash) ?? throw new FileNotFoundException($"{Path.Combine(directory, WeightsFile)}: weights not found", Path.Combine(directory, WeightsFile));

    /// <summary>Reads the optimizer state, or null when the checkpoint has none.</summary>
    public static Dictionary<string, Tensor>? LoadOptimizerState(string directory, bool verifyHash = true) =>
        LoadFile(directory, OptimizerFile, verifyHash, keepDType: true);

    /// <summary>Reads one tensor file of the checkpoint (null if absent), verifying its SHA-256 when the manifest lists it.</summary>
    public static Dictionary<string, Tensor>? LoadFile(string directory, string file, bool verifyHash = true, bool keepDType = false)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path)) return null;
        if (verifyHash)
        {
            var manifest = ReadManifest(directory);
            if (manifest.Files.TryGetValue(file, out var expected))
            {
                var actual = Sha256(path);
                if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"{path}: SHA-256 is {actual} but the manifest says {expected}; the file is corrupt or was replaced");
            }
        }
        return SafeTensors.Read(path, keepDType);
    }

    /// <summary>Lowercase hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
