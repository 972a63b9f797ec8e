namespace ClusterTune.Api.V1Alpha1;

/// <summary>Size and amplification bounds, and paths that could leave the checkpoint root (issue 13).</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidateBounds(FineTuneJobSpec s, List<FieldError> e)
    {
        Length("spec.model.baseCheckpointUri", s.Model.BaseCheckpointUri, FieldLimits.Uri, e);
        Length("spec.model.architecture", s.Model.Architecture, FieldLimits.Name, e);
        Length("spec.dataset.trainUri", s.Dataset.TrainUri, FieldLimits.Uri, e);
        Length("spec.dataset.validationUri", s.Dataset.ValidationUri, FieldLimits.Uri, e);
        Length("spec.trainer.image", s.Trainer.Image, FieldLimits.Image, e);
        Length("spec.trainer.priorityClassName", s.Trainer.PriorityClassName, FieldLimits.Name, e);
        CheckpointPath("spec.checkpoints.storageRoot", s.Checkpoints!.StorageRoot, e);
        CheckpointPath("spec.checkpoints.promotePath", s.Checkpoints.PromotePath, e);

        if (s.Budget!.Parallelism > FieldLimits.MaxParallelism)
        {
            e.Add(new("spec.budget.parallelism", $"must be at most {FieldLimits.MaxParallelism}, got {s.Budget.Parallelism}",
                $"run at most {FieldLimits.MaxParallelism} trials at once; split a larger sweep into several FineTuneJobs"));
        }
        if (s.Algorithm!.SeedsPerConfig is { } seeds && seeds is < 1 or > FieldLimits.MaxSeedsPerConfig)
        {
            e.Add(new("spec.algorithm.seedsPerConfig", $"must be in 1..{FieldLimits.MaxSeedsPerConfig}, got {seeds}",
                "use 1 (every trial a new setting) or a few seeds per setting, e.g. 3"));
        }

        if (s.Algorithm!.Name == AlgorithmName.Grid && FineTuneJobDefaults.GridSize(s.SearchSpace!) is > FieldLimits.MaxGridPoints and var size)
        {
            e.Add(new("spec.searchSpace", $"the grid has {size} points, more than {FieldLimits.MaxGridPoints}",
                "list fewer values, use a larger step, or use algorithm random, sobol or tpe, which sample the space without enumerating it"));
        }
    }

    private static void Length(string path, string? value, int max, List<FieldError> e)
    {
        if (value is { Length: var n } && n > max)
        {
            e.Add(new(path, $"is {n} characters long, more than {max}", $"shorten it to at most {max} characters"));
        }
    }

    // Admission cannot know the operator's --checkpoint-root (the planner checks the resolved path against it); what
    // it can refuse is any spelling that climbs out of a directory, including percent-encoded dots.
    private static void CheckpointPath(string path, string? value, List<FieldError> e)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > FieldLimits.Uri)
        {
            Length(path, value, FieldLimits.Uri, e);
            return;
        }
        if (value.Any(char.IsControl))
        {
            e.Add(new(path, "contains a control character", "write a plain path such as team-a/exports"));
        }
        else if (value.Contains("://", StringComparison.Ordinal) && !value.StartsWith("file://", StringComparison.Ordinal))
        {
            e.Add(new(path, $"{Quote(value)} is not a local path or file:// URI", "use a path under the operator's checkpoint root, e.g. team-a/exports (relative paths are resolved against that root)"));
        }
        else if (Decodings(value).Any(d => d.Split('/', '\\').Contains("..")))
        {
            e.Add(new(path, $"{Quote(value)} contains a '..' segment (possibly percent-encoded), which would leave the checkpoint root",
                "use a path under the operator's checkpoint root without '..', e.g. team-a/exports"));
        }
    }

    // The value and what repeated percent-decoding makes of it (%252e%252e is %2e%2e is ..).
    private static IEnumerable<string> Decodings(string value)
    {
        for (var i = 0; i < 4; i++)
        {
            yield return value;
            var next = Uri.UnescapeDataString(value);
            if (next == value)
            {
                yield break;
            }

            value = next;
        }
    }

    /// <summary>A user value quoted for an error message, cut to <see cref="FieldLimits.Quoted"/> characters.</summary>
    private static string Quote(string? value) =>
        value is null ? "nothing" : value.Length <= FieldLimits.Quoted ? $"'{value}'" : $"'{value[..FieldLimits.Quoted]}…' ({value.Length} characters)";
}
