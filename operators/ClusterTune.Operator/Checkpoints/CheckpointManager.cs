using k8s.Models;
using System.Security.Cryptography;
using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;

namespace ClusterTune.Operator.Checkpoints;

/// <summary>
/// Promotes the best trial's checkpoint to the job's stable path (copy to a temporary sibling, provenance file,
/// rename into place, so a reader sees the old or the new best, never a mix), prunes trial checkpoints beyond
/// keepTop, and deletes checkpoints per deletePolicy when the job goes.
/// </summary>
public sealed class CheckpointManager(string defaultRoot, TimeProvider time)
{
    /// <summary>The provenance file written next to the promoted checkpoint.</summary>
    public const string ProvenanceFile = "provenance.json";

    /// <summary>The weights file whose SHA-256 identifies a checkpoint.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>Promotes the best of <paramref name="trials"/> and keeps only the top keepTop trial checkpoints.</summary>
    public PromotionResult Promote(FineTuneJob job, FineTuneJobSpec spec, IReadOnlyList<Trial> trials)
    {
        var direction = spec.Objective!.Direction!.Value;
        var ranked = BestTrialSelector.Rank(trials, direction);
        if (ranked.Count == 0) return new PromotionResult(false, null, null, null, "no trial succeeded with a finite objective");
        var best = ranked[0];
        var uri = best.Status!.CheckpointUri;
        var source = uri is null ? null : CheckpointPaths.LocalPath(uri);
        if (source is null || !File.Exists(Path.Combine(source, ModelFile)))
            return new PromotionResult(false, null, null, null, $"trial {best.Metadata.Name} has no checkpoint at {source ?? "(none reported)"}; check the checkpoint volume is shared by the operator and the trial pods");
        var target = CheckpointPaths.PromotePath(job, spec, defaultRoot);
        if (VerifyBeforePromotion(best.Metadata.Name!, source) is { } corrupt)
            return new PromotionResult(false, null, null, null, corrupt);
        try
        {
            var sha = Sha256(Path.Combine(source, ModelFile));
            if (!IsPromoted(target, best.Metadata.Name!, sha))
            {
                var temp = $"{target}.tmp-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
                CopyDirectory(source, temp);
                var provenance = new Provenance(job.Metadata.NamespaceProperty ?? "default", job.Metadata.Name!, best.Metadata.Name!, best.Spec.Index,
                    best.Spec.Params.ToDictionary(p => p.Key, p => p.Value.ToObject()), spec.Objective.Metric!, best.Status.Objective!.Value,
                    best.Status.Metrics ?? [], uri ?? source, sha, time.GetUtcNow());
                File.WriteAllText(Path.Combine(temp, ProvenanceFile), JsonSerializer.Serialize(provenance, ProvenanceJson));
                var old = $"{target}.old-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
                if (Directory.Exists(target)) Directory.Move(target, old);
                Directory.Move(temp, target);
                if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
            }

            var keep = spec.Checkpoints?.KeepTop ?? FineTuneJobDefaults.KeepTop;
            var retained = ranked.Take(keep).Select(t => new RetainedCheckpoint { Trial = t.Metadata.Name!, Objective = t.Status!.Objective, Uri = t.Status.CheckpointUri ?? "" }).ToList();
            foreach (var t in trials.Where(t => !retained.Any(r => r.Trial == t.Metadata.Name)))
                DeleteDirectory(CheckpointPaths.TrialDirectory(job, spec, defaultRoot, t.Metadata.Name!));
            return new PromotionResult(true, target, sha, retained);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new PromotionResult(false, null, null, null, $"promoting {source} to {target} failed: {e.Message}");
        }
    }

    /// <summary>Deletes a deleted job's checkpoints per spec.checkpoints.deletePolicy; returns what was removed.</summary>
    public string DeleteForJob(FineTuneJob job, FineTuneJobSpec spec)
    {
        var policy = spec.Checkpoints?.DeletePolicy ?? CheckpointDeletePolicy.KeepPromoted;
        var jobDir = CheckpointPaths.JobDirectory(job, spec, defaultRoot);
        switch (policy)
        {
            case CheckpointDeletePolicy.Retain:
                return "checkpoints retained (deletePolicy retain)";
            case CheckpointDeletePolicy.Delete:
                DeleteDirectory(CheckpointPaths.PromotePath(job, spec, defaultRoot));
                DeleteDirectory(jobDir);
                return $"deleted {jobDir} (deletePolicy delete)";
            default:
                var trialsDir = Path.Combine(jobDir, "trials");
                DeleteDirectory(trialsDir);
                return $"deleted {trialsDir}, kept the promoted best (deletePolicy keepPromoted)";
        }
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
        if (!File.Exists(file)) return false;
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

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from))
            File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        foreach (var d in Directory.GetDirectories(from))
            CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    private static readonly JsonSerializerOptions ProvenanceJson = new(ApiJson.Options) { WriteIndented = true };

    /// <summary>What the provenance file records of a promoted checkpoint.</summary>
    internal sealed record Provenance(string Namespace, string Job, string Trial, int Index, Dictionary<string, object> Params, string Metric,
        double Objective, Dictionary<string, double> Metrics, string Source, string Sha256, DateTimeOffset PromotedAt);
}
