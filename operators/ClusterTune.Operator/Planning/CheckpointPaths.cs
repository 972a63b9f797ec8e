using k8s.Models;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>Where a job's checkpoints live: one directory per trial under the storage root, and the promoted best.</summary>
public static class CheckpointPaths
{
    /// <summary>The storage root of a job: spec.checkpoints.storageRoot, else the operator's default (file:// stripped).</summary>
    public static string StorageRoot(FineTuneJobSpec spec, string defaultRoot) => LocalPath(spec.Checkpoints?.StorageRoot ?? defaultRoot);

    /// <summary>The job's directory: &lt;root&gt;/&lt;namespace&gt;/&lt;job&gt;.</summary>
    public static string JobDirectory(FineTuneJob job, FineTuneJobSpec spec, string defaultRoot) =>
        Path.Combine(StorageRoot(spec, defaultRoot), job.Metadata.NamespaceProperty ?? "default", job.Metadata.Name!);

    /// <summary>A trial's CT_CHECKPOINT_DIR: &lt;job dir&gt;/trials/&lt;trial&gt; (kept across attempts, so retries resume).</summary>
    public static string TrialDirectory(FineTuneJob job, FineTuneJobSpec spec, string defaultRoot, string trialName) =>
        Path.Combine(JobDirectory(job, spec, defaultRoot), "trials", trialName);

    /// <summary>spec.checkpoints.promotePath, else &lt;job dir&gt;/best.</summary>
    public static string PromotePath(FineTuneJob job, FineTuneJobSpec spec, string defaultRoot) =>
        spec.Checkpoints?.PromotePath is { } p ? LocalPath(p) : Path.Combine(JobDirectory(job, spec, defaultRoot), "best");

    /// <summary>A path or file:// URI as a local path.</summary>
    public static string LocalPath(string uriOrPath) =>
        uriOrPath.StartsWith("file://", StringComparison.Ordinal) ? Uri.UnescapeDataString(uriOrPath["file://".Length..]) : uriOrPath;
}
