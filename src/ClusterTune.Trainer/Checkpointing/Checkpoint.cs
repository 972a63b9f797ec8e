using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Checkpointing;

/// <summary>
/// A checkpoint directory: tensor files in the safetensors format (read and written by TorchSharp.PyBridge), other
/// files its writers produce, and manifest.json with the SHA-256 of every file. Saving writes a sibling temporary
/// directory and renames it into place, so a reader sees the old or the new checkpoint, never a mix; loading checks
/// a file's hash before parsing it, so a corrupt file fails with its name instead of as garbage weights.
/// </summary>
public static class Checkpoint
{
    /// <summary>File name of the weights.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>File name of the manifest.</summary>
    public const string ManifestFile = "manifest.json";

    private static readonly JsonSerializerOptions ManifestJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One file of a checkpoint: its plain name and a writer that creates it at the given path.</summary>
    public sealed record FileWriter(string Name, Action<string> Write);

    /// <summary>A writer of a safetensors file holding <paramref name="tensors"/> (moved to the CPU, contiguous).</summary>
    public static FileWriter Tensors(string name, IEnumerable<KeyValuePair<string, Tensor>> tensors) => new(name, path =>
    {
        using var scope = NewDisposeScope();
        var cpu = tensors.ToDictionary(t => t.Key, t => t.Value.detach().cpu().contiguous(), StringComparer.Ordinal);
        Safetensors.SaveStateDict(path, cpu);
    });

    /// <summary>
    /// Writes the checkpoint atomically into <paramref name="directory"/> (replacing an existing one) and returns the
    /// manifest as written, with the SHA-256 of every file. The first file must be <see cref="WeightsFile"/>.
    /// </summary>
    public static CheckpointManifest Save(string directory, CheckpointManifest manifest, IReadOnlyList<FileWriter> files)
    {
        if (files.Count == 0 || files[0].Name != WeightsFile)
        {
            throw new ArgumentException($"a checkpoint's first file must be {WeightsFile}", nameof(files));
        }

        var full = Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{directory}' has no parent directory", nameof(directory));
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (file.Name != Path.GetFileName(file.Name) || file.Name == ManifestFile || hashes.ContainsKey(file.Name))
                {
                    throw new ArgumentException($"checkpoint file name '{file.Name}' must be a plain file name, unique, other than {ManifestFile}", nameof(files));
                }

                var path = Path.Combine(temp, file.Name);
                file.Write(path);
                hashes[file.Name] = Sha256(path);
            }

            var written = manifest with { WeightsSha256 = hashes[WeightsFile], Files = hashes };
            using (var fs = new FileStream(Path.Combine(temp, ManifestFile), FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(fs, written, ManifestJson);
                fs.Flush(flushToDisk: true);
            }

            SwapInto(temp, full);
            return written;
        }
        catch
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }

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
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: checkpoint manifest not found (is '{directory}' a checkpoint directory?)", path);
        }

        try
        {
            using var fs = File.OpenRead(path);
            return JsonSerializer.Deserialize<CheckpointManifest>(fs, ManifestJson) ?? throw new InvalidDataException($"{path}: manifest is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: manifest is not valid JSON for a checkpoint manifest ({e.Message})", e);
        }
    }

    /// <summary>
    /// The path of one file of the checkpoint after checking its SHA-256 against <paramref name="manifest"/> (read
    /// once by the caller with <see cref="ReadManifest"/>; a file it does not list is not checked), or null when the
    /// file is absent.
    /// </summary>
    public static string? VerifiedFile(string directory, CheckpointManifest manifest, string file)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            return null;
        }

        if (manifest.Files.TryGetValue(file, out var expected))
        {
            var actual = Sha256(path);
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{path}: SHA-256 is {actual} but the manifest says {expected}; the file is corrupt or was replaced");
            }
        }

        return path;
    }

    /// <summary>Reads one safetensors file of the checkpoint (null if absent) after verifying it, floating point as float32 (<see cref="ReadSafetensors"/>).</summary>
    public static Dictionary<string, Tensor>? LoadTensors(string directory, CheckpointManifest manifest, string file) =>
        VerifiedFile(directory, manifest, file) is { } path ? ReadSafetensors(path) : null;

    /// <summary>
    /// Reads a safetensors file; floating-point tensors become float32 (weights from elsewhere are often F16/BF16).
    /// A file PyBridge cannot parse fails naming the file. The caller owns the tensors.
    /// </summary>
    public static Dictionary<string, Tensor> ReadSafetensors(string path)
    {
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = Safetensors.LoadStateDict(path);
        }
        catch (Exception e) when (e is not IOException and not UnauthorizedAccessException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"{path}: not a readable safetensors file ({e.GetType().Name}: {e.Message}); re-export the weights with safetensors' save_file", e);
        }

        foreach (var (name, t) in tensors.ToList())
        {
            if (t.is_floating_point() && t.dtype != ScalarType.Float32)
            {
                tensors[name] = t.to_type(ScalarType.Float32);
                t.Dispose();
            }
        }

        return tensors;
    }

    /// <summary>Reads the weights (as float32), verifying their SHA-256 against the manifest.</summary>
    public static Dictionary<string, Tensor> LoadWeights(string directory, CheckpointManifest manifest) =>
        LoadTensors(directory, manifest, WeightsFile) ?? throw new FileNotFoundException($"{Path.Combine(directory, WeightsFile)}: weights not found", Path.Combine(directory, WeightsFile));

    /// <summary>Lowercase hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }
}
