using System.Security.Cryptography;
using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Checkpoints;

/// <summary>
/// Promotes the best trial's checkpoint to the job's stable path (copy to a temporary sibling, provenance file,
/// rename into place, so a reader sees the old or the new best, never a mix), prunes trial checkpoints beyond
/// keepTop, and deletes checkpoints per deletePolicy when the job goes. It replaces or deletes only directories
/// whose ownership marker names the job (<see cref="CheckpointOwnership"/>), and reads only checkpoints under the
/// job's directory.
/// </summary>
public sealed partial class CheckpointManager(string defaultRoot, TimeProvider time)
{
    /// <summary>The provenance file written next to the promoted checkpoint.</summary>
    public const string ProvenanceFile = "provenance.json";

    /// <summary>The weights file whose SHA-256 identifies a checkpoint.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>Creates the job's directory with its ownership marker before its first trial; true when the job owns it.</summary>
    public bool ClaimJobDirectory(FineTuneJob job, EffectiveSpec spec)
    {
        try
        {
            return CheckpointOwnership.Claim(CheckpointPaths.JobDirectory(job, spec, defaultRoot), job, time);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Promotes the best of <paramref name="trials"/> and keeps only the top keepTop trial checkpoints.</summary>
    public PromotionResult Promote(FineTuneJob job, EffectiveSpec spec, IReadOnlyList<Trial> trials)
    {
        var direction = spec.Direction;
        // The promoted trial is the one status.bestTrial names (under seedsPerConfig, not simply the top run); kept first.
        var chosen = BestTrialSelector.Choose(trials, spec).Best;
        if (chosen is null)
        {
            return new PromotionResult(false, null, null, null, "no trial succeeded with a finite objective");
        }

        var ranked = BestTrialSelector.Rank(trials, direction).Where(t => t != chosen).Prepend(chosen).ToList();
        var best = chosen;
        var uri = best.Status!.CheckpointUri;
        var source = uri is null ? null : CheckpointPaths.LocalPath(uri);
        string target, jobDir;
        try
        {
            target = CheckpointPaths.PromotePath(job, spec, defaultRoot);
            jobDir = CheckpointPaths.JobDirectory(job, spec, defaultRoot);
        }
        catch (InvalidOperationException e)
        {
            return new PromotionResult(false, null, null, null, e.Message);
        }
        // The URI is the trial's report: a checkpoint outside the job's directory is not copied, whatever it says.
        if (source is not null && !IsUnder(source, jobDir))
        {
            return new PromotionResult(false, null, null, null, $"trial {best.Metadata.Name} reported checkpoint {source}, which is outside the job's directory {jobDir}; it is not promoted");
        }

        if (source is null || !File.Exists(Path.Combine(source, ModelFile)))
        {
            return new PromotionResult(false, null, null, null, $"trial {best.Metadata.Name} has no checkpoint at {source ?? "(none reported)"}; check the checkpoint volume is shared by the operator and the trial pods");
        }

        if (VerifyBeforePromotion(best.Metadata.Name!, source) is { } corrupt)
        {
            return new PromotionResult(false, null, null, null, corrupt);
        }

        if (Directory.Exists(target) && !CheckpointOwnership.IsOwnedBy(target, job))
        {
            return new PromotionResult(false, null, null, null,
                $"promotePath {target} already exists and was not created by ClusterTune for this job (no {CheckpointOwnership.MarkerFile} naming uid {job.Metadata.Uid}); " +
                "set spec.checkpoints.promotePath to a new directory, or move the existing one away");
        }

        try
        {
            var sha = Sha256(Path.Combine(source, ModelFile));
            if (!IsPromoted(target, best.Metadata.Name!, sha))
            {
                var temp = $"{target}.tmp-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
                CopyDirectory(source, temp);
                CheckpointOwnership.Mark(temp, job);
                // The metrics of the epoch the checkpoint holds, not the trial's last epoch (which may be worse).
                var (epoch, metrics) = ManifestMetrics(source);
                var promoted = PromotedMetrics.Of(epoch, metrics, best.Status, spec.Metric);
                var provenance = new Provenance(job.Metadata.NamespaceProperty ?? "default", job.Metadata.Name!, best.Metadata.Name!, best.Spec.Index,
                    best.Spec.Params.ToDictionary(p => p.Key, p => p.Value.ToObject()), spec.Metric, best.Status.Objective!.Value,
                    promoted.Metrics, promoted.Epoch, promoted.Source, uri ?? source, sha, time.GetUtcNow());
                File.WriteAllText(Path.Combine(temp, ProvenanceFile), JsonSerializer.Serialize(provenance, ProvenanceJson));
                MoveInto(temp, target);
            }

            var keep = spec.KeepTop;
            var retained = ranked.Take(keep).Select(t => new RetainedCheckpoint { Trial = t.Metadata.Name!, Objective = t.Status!.Objective, Uri = t.Status.CheckpointUri ?? "" }).ToList();
            if (CheckpointOwnership.IsOwnedBy(jobDir, job))
            {
                foreach (var t in trials.Where(t => !retained.Any(r => r.Trial == t.Metadata.Name)))
                {
                    DeleteDirectory(CheckpointPaths.TrialDirectory(job, spec, defaultRoot, t.Metadata.Name!));
                }
            }

            return new PromotionResult(true, target, sha, retained);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PromotionResult(false, null, null, null, $"promoting {source} to {target} failed: {e.Message}");
        }
    }

    /// <summary>Deletes a deleted job's checkpoints per spec.checkpoints.deletePolicy; returns what was removed.</summary>
    public string DeleteForJob(FineTuneJob job, EffectiveSpec spec)
    {
        var policy = spec.Checkpoints.DeletePolicy ?? CheckpointDeletePolicy.KeepPromoted;
        if (policy == CheckpointDeletePolicy.Retain)
        {
            return "checkpoints retained (deletePolicy retain)";
        }

        try
        {
            var jobDir = CheckpointPaths.JobDirectory(job, spec, defaultRoot);
            if (policy == CheckpointDeletePolicy.Delete)
            {
                var promoted = CheckpointOwnership.DeleteIfOwned(CheckpointPaths.PromotePath(job, spec, defaultRoot), job);
                return $"{promoted}; {CheckpointOwnership.DeleteIfOwned(jobDir, job)} (deletePolicy delete)";
            }
            if (!CheckpointOwnership.IsOwnedBy(jobDir, job))
            {
                return $"kept {jobDir}: ClusterTune did not create it for this job (no {CheckpointOwnership.MarkerFile} naming uid {job.Metadata.Uid}) (deletePolicy keepPromoted)";
            }

            var trialsDir = Path.Combine(jobDir, "trials");
            DeleteDirectory(trialsDir);
            return $"deleted {trialsDir}, kept the promoted best (deletePolicy keepPromoted)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"checkpoints not deleted: {e.Message}";
        }
    }

    private static bool IsUnder(string path, string directory)
    {
        var full = Path.GetFullPath(path);
        return full.StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>
    /// Null when <paramref name="source"/> may be promoted: its manifest.json, when it has one, lists the weights
    /// with the SHA-256 they have now (a checkpoint without a manifest is promoted unverified, as before).
    /// </summary>
    private static string? VerifyBeforePromotion(string trial, string source) =>
        File.Exists(Path.Combine(source, CheckpointVerifier.ManifestFile)) && CheckpointVerifier.Verify(source, ModelFile) is { } problem
            ? $"checkpoint of trial {trial} failed verification and was not promoted: {problem}"
            : null;

    /// <summary>SHA-256 of a file as lowercase hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static bool IsPromoted(string target, string trial, string sha)
    {
        var file = Path.Combine(target, ProvenanceFile);
        if (!File.Exists(file))
        {
            return false;
        }

        try
        {
            var p = JsonSerializer.Deserialize<Provenance>(File.ReadAllText(file), ProvenanceJson);
            return p?.Trial == trial && p.Sha256 == sha && File.Exists(Path.Combine(target, ModelFile)) && Sha256(Path.Combine(target, ModelFile)) == sha;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The epoch and metrics a checkpoint's manifest.json records (trial contract §3), each null when absent or unreadable.</summary>
    private static (int? Epoch, Dictionary<string, double>? Metrics) ManifestMetrics(string directory)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, CheckpointVerifier.ManifestFile)));
            var root = doc.RootElement;
            int? epoch = root.TryGetProperty("epoch", out var e) && e.TryGetInt32(out var n) ? n : null;
            var metrics = root.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object
                ? m.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToDictionary(p => p.Name, p => p.Value.GetDouble())
                : null;
            return (epoch, metrics);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            return (null, null);
        }
    }

    /// <summary>Replaces <paramref name="target"/> with the complete directory <paramref name="temp"/> (a reader sees the old or the new one).</summary>
    private void MoveInto(string temp, string target)
    {
        var old = $"{target}.old-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
        if (Directory.Exists(target))
        {
            Directory.Move(target, old);
        }

        Directory.Move(temp, target);
        if (Directory.Exists(old))
        {
            Directory.Delete(old, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
        {
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        }

        foreach (var d in Directory.GetDirectories(from))
        {
            CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
        }
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static readonly JsonSerializerOptions ProvenanceJson = new(ApiJson.Options) { WriteIndented = true };

    /// <summary>What the provenance file records of a promoted checkpoint.</summary>
    /// <remarks><see cref="Metrics"/> are those of the promoted <see cref="Epoch"/>; <see cref="MetricsSource"/> says whether they came from the checkpoint's manifest.</remarks>
    internal sealed record Provenance(string Namespace, string Job, string Trial, int Index, Dictionary<string, object> Params, string Metric,
        double Objective, Dictionary<string, double> Metrics, int? Epoch, string MetricsSource, string Source, string Sha256, DateTimeOffset PromotedAt);
}
