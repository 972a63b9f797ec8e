namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// Size bounds of FineTuneJob fields, enforced twice: as maxLength/maximum in the generated CRD schema (the API
/// server refuses the object) and by <see cref="FineTuneJobValidator"/> (a clear message with the fix). Without them
/// one huge string is copied into every status write and the object outgrows what the API server stores.
/// </summary>
public static class FieldLimits
{
    /// <summary>objective.metric (it is also a metric label value and part of every status write).</summary>
    public const int MetricName = 128;

    /// <summary>URIs and paths: model, dataset, storageRoot, promotePath (PATH_MAX on Linux).</summary>
    public const int Uri = 4096;

    /// <summary>A container image reference.</summary>
    public const int Image = 1024;

    /// <summary>DNS-1123 subdomain names such as priorityClassName, and model.architecture.</summary>
    public const int Name = 253;

    /// <summary>A Go duration such as 1h30m.</summary>
    public const int Duration = 64;

    /// <summary>Most trials that run at once; each is a pod, and a larger fan-out is a cluster-wide outage, not a sweep.</summary>
    public const int MaxParallelism = 256;

    /// <summary>Most points a grid search may have (the grid is enumerated in memory on every reconcile).</summary>
    public const long MaxGridPoints = 100_000;

    /// <summary>Most trials per setting under algorithm.seedsPerConfig (repeats are for a noise estimate, not a search).</summary>
    public const int MaxSeedsPerConfig = 10;

    /// <summary>Most objectives in spec.objectives (a Pareto front over more is rarely readable).</summary>
    public const int MaxObjectives = 4;

    /// <summary>Most Pareto-front trials listed in status (paretoFrontSize counts them all).</summary>
    public const int MaxParetoMembers = 20;

    /// <summary>Most webhooks in spec.notify (each is POSTed inside the job's reconcile).</summary>
    public const int MaxNotifyTargets = 8;

    /// <summary>Most source jobs in spec.warmStartFrom.</summary>
    public const int MaxWarmStartSources = 8;

    /// <summary>Longest user value quoted back in an error message.</summary>
    public const int Quoted = 64;
}
