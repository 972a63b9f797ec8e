using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Web;

/// <summary>Where the sweep page reads FineTuneJobs and Trials: the operator's caches, or a cluster through its API.</summary>
public interface ISweepSource
{
    /// <summary>Every FineTuneJob visible to the source, by namespace and name.</summary>
    Task<IReadOnlyList<FineTuneJob>> JobsAsync(CancellationToken ct);

    /// <summary>One FineTuneJob, or null when it does not exist.</summary>
    Task<FineTuneJob?> JobAsync(string @namespace, string name, CancellationToken ct);

    /// <summary>The trials the job owns.</summary>
    Task<IReadOnlyList<Trial>> TrialsAsync(FineTuneJob job, CancellationToken ct);
}
