using System.Text.Json;

namespace ClusterTune.Operator.Checkpoints;

/// <summary>
/// Checks a checkpoint directory against its manifest.json (the trial contract: the SHA-256 of each file under
/// "files"), so the operator neither promotes nor resumes from a corrupt or truncated checkpoint.
/// </summary>
public static class CheckpointVerifier
{
    /// <summary>The manifest's file name (trial contract §3).</summary>
    public const string ManifestFile = "manifest.json";

    /// <summary>The checkpoints a trainer keeps in its CT_CHECKPOINT_DIR, newest-by-intent first.</summary>
    private static readonly string[] Candidates = ["last", "best"];

    /// <summary>Null when every file the manifest lists is present with its SHA-256; otherwise what is wrong, naming the file.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="requiredFile">A file the manifest must list (e.g. model.safetensors).</param>
    public static string? Verify(string directory, string requiredFile)
    {
        var manifest = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifest))
        {
            return $"{manifest} is missing, so the checkpoint cannot be verified";
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(manifest));
            if (!doc.RootElement.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Object)
            {
                return $"{manifest} has no \"files\" map of SHA-256 hashes";
            }

            if (!files.TryGetProperty(requiredFile, out _))
            {
                return $"{manifest} does not list {requiredFile}";
            }

            foreach (var file in files.EnumerateObject())
            {
                if (file.Name != Path.GetFileName(file.Name) || file.Value.ValueKind != JsonValueKind.String)
                {
                    return $"{manifest} lists \"{file.Name}\", which is not a plain file name with a SHA-256";
                }

                var path = Path.Combine(directory, file.Name);
                if (!File.Exists(path))
                {
                    return $"{path} is listed in {manifest} but missing";
                }

                var actual = CheckpointManager.Sha256(path);
                if (!string.Equals(actual, file.Value.GetString(), StringComparison.OrdinalIgnoreCase))
                {
                    return $"{path} has SHA-256 {actual} but {manifest} says {file.Value.GetString()}: the file is corrupt or was replaced";
                }
            }

            return null;
        }
        catch (JsonException e)
        {
            return $"{manifest} is not valid JSON ({e.Message})";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"reading {directory} failed: {e.Message}";
        }
    }

    /// <summary>
    /// The newest checkpoint under a trial's CT_CHECKPOINT_DIR (last/ or best/, by the manifest's epoch and step)
    /// that verifies, or null when there is none.
    /// </summary>
    public static string? NewestValid(string trialDirectory)
    {
        string? newest = null;
        (long Epoch, long Step) at = (-1, -1);
        foreach (var name in Candidates)
        {
            var dir = Path.Combine(trialDirectory, name);
            if (!Directory.Exists(dir) || Verify(dir, CheckpointManager.ModelFile) is not null)
            {
                continue;
            }

            var position = Position(dir);
            if (position.CompareTo(at) > 0)
            {
                newest = dir;
                at = position;
            }
        }

        return newest;
    }

    private static (long Epoch, long Step) Position(string directory)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, ManifestFile)));
            long Read(string key) => doc.RootElement.TryGetProperty(key, out var v) && v.TryGetInt64(out var n) ? n : 0;
            return (Read("epoch"), Read("step"));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }
}
