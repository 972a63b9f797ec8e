using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Controllers;
using k8s;

namespace ClusterTune.Operator.Web;

/// <summary>
/// The operator's own informer caches: the page costs the API server no request for the jobs, nor for the trials of a
/// job whose shard this silo caches; another shard's trials are listed through the API (<see cref="ClientSweepSource"/>).
/// </summary>
public sealed class CacheSweepSource(OperatorCaches caches, IKubernetes client) : ISweepSource
{
    private readonly ClientSweepSource _api = new(client, null);

    /// <inheritdoc />
    public Task<IReadOnlyList<FineTuneJob>> JobsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FineTuneJob>>([.. caches.Jobs.List()
            .OrderBy(j => j.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public Task<FineTuneJob?> JobAsync(string @namespace, string name, CancellationToken ct) => Task.FromResult(caches.Jobs.Get(@namespace, name));

    /// <inheritdoc />
    public Task<IReadOnlyList<Trial>> TrialsAsync(FineTuneJob job, CancellationToken ct) =>
        caches.Covers(job.Metadata.NamespaceProperty, job.Metadata.Name!) ? Task.FromResult(caches.TrialsOf(job)) : _api.TrialsAsync(job, ct);
}
