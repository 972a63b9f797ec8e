using System.Text.Json;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Checkpoints;

/// <summary>
/// The ownership marker: a file ClusterTune writes into each directory it creates for a job, naming the job's UID.
/// A directory is replaced or deleted only when its marker names this job, so an existing user directory given as
/// promotePath, or a path a job never wrote, is never touched.
/// </summary>
public static class CheckpointOwnership
{
    /// <summary>The marker's file name.</summary>
    public const string MarkerFile = ".clustertune-owner";

    /// <summary>The UID the marker in <paramref name="directory"/> names, or null when there is no readable marker.</summary>
    public static string? OwnerOf(string directory)
    {
        var file = Path.Combine(directory, MarkerFile);
        try
        {
            return File.Exists(file) ? JsonSerializer.Deserialize<Marker>(File.ReadAllText(file))?.Uid : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="directory"/> exists and its marker names <paramref name="job"/>'s UID.</summary>
    public static bool IsOwnedBy(string directory, FineTuneJob job) =>
        job.Metadata.Uid is { Length: > 0 } uid && Directory.Exists(directory) && OwnerOf(directory) == uid;

    /// <summary>Writes the marker of <paramref name="job"/> into <paramref name="directory"/> (which must exist).</summary>
    public static void Mark(string directory, FineTuneJob job) =>
        File.WriteAllText(Path.Combine(directory, MarkerFile),
            JsonSerializer.Serialize(new Marker(job.Metadata.Uid ?? "", job.Metadata.NamespaceProperty ?? "default", job.Metadata.Name ?? "")));

    /// <summary>
    /// Creates <paramref name="directory"/> with the job's marker unless it exists: true when the job owns it now.
    /// Atomic: the marked directory is built beside it and renamed, so a directory that appears meanwhile is not claimed.
    /// </summary>
    public static bool Claim(string directory, FineTuneJob job, TimeProvider time)
    {
        if (Directory.Exists(directory))
        {
            return IsOwnedBy(directory, job);
        }

        var parent = Path.GetDirectoryName(directory)!;
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(directory)}.claim-{time.GetUtcNow().ToUnixTimeMilliseconds()}");
        Directory.CreateDirectory(temp);
        Mark(temp, job);
        try
        {
            Directory.Move(temp, directory);
        }
        catch (IOException)
        {
            Directory.Delete(temp, recursive: true);
        }
        return IsOwnedBy(directory, job);
    }

    /// <summary>Deletes <paramref name="directory"/> when the job owns it; says what happened.</summary>
    public static string DeleteIfOwned(string directory, FineTuneJob job)
    {
        if (!Directory.Exists(directory))
        {
            return $"{directory} does not exist";
        }

        if (!IsOwnedBy(directory, job))
        {
            return $"kept {directory}: ClusterTune did not create it for this job (no {MarkerFile} naming uid {job.Metadata.Uid})";
        }

        Directory.Delete(directory, recursive: true);
        return $"deleted {directory}";
    }

    private sealed record Marker(string Uid, string Namespace, string Name);
}
