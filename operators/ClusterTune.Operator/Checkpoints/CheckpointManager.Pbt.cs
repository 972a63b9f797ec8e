using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;

namespace ClusterTune.Operator.Checkpoints;

/// <summary>PBT's exploit on the checkpoint volume: the donor's checkpoint becomes the exploiting trial's last/.</summary>
public sealed partial class CheckpointManager
{
    /// <summary>
    /// Copies the checkpoint at <paramref name="donorUri"/> over <paramref name="target"/>'s last/ (its status'
    /// lastCheckpointUri, where its next attempt resumes from); null on success, else why not. Both must lie in the
    /// job's directory (the URIs are trainers' reports) and the donor must match its manifest.
    /// </summary>
    public string? CopyCheckpoint(FineTuneJob job, EffectiveSpec spec, string? donorUri, Trial target)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            var jobDir = CheckpointPaths.JobDirectory(job, spec, defaultRoot);
            var source = donorUri is null ? null : CheckpointPaths.LocalPath(donorUri);
            var dest = target.Status?.LastCheckpointUri is { } uri ? CheckpointPaths.LocalPath(uri) : null;
            if (source is null || dest is null || !IsUnder(source, jobDir) || !IsUnder(dest, jobDir))
            {
                return $"trial {target.Metadata.Name} cannot exploit checkpoint {source ?? "(none)"}: both it and {dest ?? "(no last checkpoint)"} must lie in the job's directory {jobDir}";
            }

            if (!File.Exists(Path.Combine(source, ModelFile)) || VerifyBeforePromotion(target.Metadata.Name!, source) is not null)
            {
                return $"trial {target.Metadata.Name} cannot exploit checkpoint {source}: it is missing or does not match its manifest";
            }

            var temp = $"{dest}.pbt-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
            CopyDirectory(source, temp);
            MoveInto(temp, dest);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"copying checkpoint {donorUri} for trial {target.Metadata.Name} failed: {e.Message}";
        }
    }
}
