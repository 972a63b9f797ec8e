using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;

namespace ClusterTune.Operator.Web;

/// <summary>
/// A cluster read through its API (what `ctune ui` and `ctune report` use): lists per request, in one namespace or,
/// when <paramref name="namespace"/> is null, all of them.
/// </summary>
public sealed class ClientSweepSource(IKubernetes client, string? @namespace) : ISweepSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<FineTuneJob>> JobsAsync(CancellationToken ct) =>
        [.. (await client.ListAllAsync<FineTuneJob>(@namespace, ct: ct))
            .OrderBy(j => j.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)];

    /// <inheritdoc />
    public Task<FineTuneJob?> JobAsync(string ns, string name, CancellationToken ct) =>
        @namespace is not null && ns != @namespace ? Task.FromResult<FineTuneJob?>(null) : client.TryGetAsync<FineTuneJob>(name, ns, ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<Trial>> TrialsAsync(FineTuneJob job, CancellationToken ct) =>
        [.. (await client.ListAllAsync<Trial>(job.Metadata.NamespaceProperty, labelSelector: $"{LabelKeys.Job}={job.Metadata.Name}", ct: ct))
            // By label, as the other ctune commands read; a trial another job object owns (a deleted job's, not yet
            // collected, under a re-created job of the same name) is not this job's.
            .Where(t => t.Metadata.OwnerReferences is not { Count: > 0 } owners || owners.Any(o => o.Uid == job.Metadata.Uid))];
}
