using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Where a job's checkpoints live: one directory per trial under the storage root, and the promoted best. Every
/// path is confined to the operator's checkpoint root (--checkpoint-root): a relative path is resolved against
/// that root, never against the operator's working directory, and a path that leads outside it is refused.
/// </summary>
public static class CheckpointPaths
{
    /// <summary>The storage root of a job: spec.checkpoints.storageRoot, else the operator's root (file:// stripped).</summary>
    public static string StorageRoot(FineTuneJobSpec spec, string defaultRoot) =>
        Resolve(spec.Checkpoints?.StorageRoot, defaultRoot, "spec.checkpoints.storageRoot");

    /// <summary>The job's directory: &lt;root&gt;/&lt;namespace&gt;/&lt;job&gt;.</summary>
    public static string JobDirectory(FineTuneJob job, FineTuneJobSpec spec, string defaultRoot) =>
        Path.Combine(StorageRoot(spec, defaultRoot), job.Metadata.NamespaceProperty ?? "default", job.Metadata.Name!);

    /// <summary>A trial's CT_CHECKPOINT_DIR: &lt;job dir&gt;/trials/&lt;trial&gt; (kept across attempts, so retries resume).</summary>
    public static string TrialDirectory(FineTuneJob job, FineTuneJobSpec spec, string defaultRoot, string trialName) =>
        Path.Combine(JobDirectory(job, spec, defaultRoot), "trials", trialName);

    /// <summary>spec.checkpoints.promotePath (relative = under the operator's root), else &lt;job dir&gt;/best.</summary>
    public static string PromotePath(FineTuneJob job, FineTuneJobSpec spec, string defaultRoot) =>
        spec.Checkpoints?.PromotePath is { } p
            ? Resolve(p, defaultRoot, "spec.checkpoints.promotePath")
            : Path.Combine(JobDirectory(job, spec, defaultRoot), "best");

    /// <summary>A path or file:// URI as a local path.</summary>
    public static string LocalPath(string uriOrPath) =>
        uriOrPath.StartsWith("file://", StringComparison.Ordinal) ? Uri.UnescapeDataString(uriOrPath["file://".Length..]) : uriOrPath;

    /// <summary>The operator's checkpoint root as a full path without a trailing separator.</summary>
    public static string Root(string defaultRoot) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(LocalPath(defaultRoot)));

    /// <summary>A resolved path under the root relative to the root, null for the root itself (a volume's subPath).</summary>
    public static string? SubPath(string resolved, string defaultRoot) =>
        Path.GetRelativePath(Root(defaultRoot), resolved) is var rel && rel != "." ? rel : null;

    /// <summary>
    /// Errors for a job whose storageRoot or promotePath resolves outside the operator's root (admission cannot know
    /// the root; the planner reports these as SpecInvalid with the field path).
    /// </summary>
    public static IReadOnlyList<FieldError> Check(FineTuneJobSpec spec, string defaultRoot)
    {
        var errors = new List<FieldError>();
        var root = Root(defaultRoot);
        foreach (var (path, value) in new[] { ("spec.checkpoints.storageRoot", spec.Checkpoints?.StorageRoot), ("spec.checkpoints.promotePath", spec.Checkpoints?.PromotePath) })
        {
            if (value is null)
            {
                continue;
            }

            var full = TryResolve(value, root);
            if (full is null)
            {
                errors.Add(new(path, $"resolves outside the operator's checkpoint root {root}",
                    $"use a path under {root}, or a relative path (it is resolved against {root})"));
            }
            else if (path.EndsWith("promotePath", StringComparison.Ordinal) && full == root)
            {
                errors.Add(new(path, $"is the checkpoint root {root} itself; promoting would replace every job's checkpoints",
                    "name a directory of its own under the root, e.g. exports/<job>, or remove it for <storageRoot>/<namespace>/<job>/best"));
            }
        }
        return errors;
    }

    /// <summary>The full path of <paramref name="uriOrPath"/> under the root, or the root itself when null.</summary>
    /// <exception cref="InvalidOperationException">The path leads outside the root (the planner refuses such a job first).</exception>
    private static string Resolve(string? uriOrPath, string defaultRoot, string field)
    {
        var root = Root(defaultRoot);
        if (uriOrPath is null)
        {
            return root;
        }

        return TryResolve(uriOrPath, root) ?? throw new InvalidOperationException($"{field} '{uriOrPath}' resolves outside the checkpoint root {root}");
    }

    // Null when the path escapes the root: GetFullPath folds '..' (and a file:// URI's %2e%2e once unescaped).
    private static string? TryResolve(string uriOrPath, string root)
    {
        string full;
        try
        {
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(LocalPath(uriOrPath), root));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return full == root || full.StartsWith(prefix, StringComparison.Ordinal) ? full : null;
    }
}
