using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Controllers;

namespace ClusterTune.Operator.Web;

/// <summary>The operator's own informer caches: the page costs the API server no request.</summary>
public sealed class CacheSweepSource(OperatorCaches caches) : ISweepSource
{
    /// <inheritdoc />
    public Task<IReadOnlyList<FineTuneJob>> JobsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FineTuneJob>>([.. caches.Jobs.List()
            .OrderBy(j => j.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public Task<FineTuneJob?> JobAsync(string @namespace, string name, CancellationToken ct) => Task.FromResult(caches.Jobs.Get(@namespace, name));

    /// <inheritdoc />
    public Task<IReadOnlyList<Trial>> TrialsAsync(FineTuneJob job, CancellationToken ct) => Task.FromResult(caches.TrialsOf(job));
}
