using System.Buffers.Binary;
using System.Text.Json;

namespace ClusterTune.Trainer.Checkpointing;

/// <summary>
/// Whether a CT_RESUME_FROM checkpoint can be read at all, before any of it is loaded into the model: the manifest
/// parses, every file it lists is there with its SHA-256, and every safetensors file is whole (its header parses and
/// the data is as long as the header says). A checkpoint that fails is not resumed from; the trial starts fresh.
/// </summary>
public static class ResumeCheck
{
    /// <summary>Null when <paramref name="directory"/> is a readable checkpoint; otherwise why not, naming the file.</summary>
    public static string? Problem(string directory)
    {
        try
        {
            var manifest = Checkpoint.ReadManifest(directory);
            if (manifest.Files.Count == 0)
            {
                return $"{Path.Combine(directory, Checkpoint.ManifestFile)} lists no files";
            }

            foreach (var file in manifest.Files.Keys)
            {
                var path = Checkpoint.VerifiedFile(directory, manifest, file) ?? throw new FileNotFoundException($"{Path.Combine(directory, file)} is listed in the manifest but missing");
                if (file.EndsWith(".safetensors", StringComparison.Ordinal) && SafetensorsProblem(path) is { } bad)
                {
                    return bad;
                }
            }

            return null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    /// <summary>Null when the file is a whole safetensors file: 8-byte header length, JSON header, then exactly the data it describes.</summary>
    public static string? SafetensorsProblem(string path)
    {
        using var fs = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (fs.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
        {
            return $"{path}: truncated safetensors file ({fs.Length} bytes, no header)";
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fs.Length - 8))
        {
            return $"{path}: truncated safetensors file (header of {headerLength} bytes, file of {fs.Length})";
        }

        var header = new byte[(int)headerLength];
        fs.ReadExactly(header);
        long end = 0;
        try
        {
            using var doc = JsonDocument.Parse(header);
            foreach (var tensor in doc.RootElement.EnumerateObject())
            {
                if (tensor.Name == "__metadata__")
                {
                    continue;
                }

                var offsets = tensor.Value.GetProperty("data_offsets");
                end = Math.Max(end, offsets[1].GetInt64());
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            return $"{path}: safetensors header is not valid ({e.Message})";
        }

        var data = fs.Length - 8 - (long)headerLength;
        return data == end ? null : $"{path}: truncated safetensors file ({data} bytes of tensor data, the header describes {end})";
    }
}
