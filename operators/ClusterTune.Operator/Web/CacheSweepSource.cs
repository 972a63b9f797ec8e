using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Operator.Controllers;
using k8s;

namespace ClusterTune.Operator.Web;

/// <summary>
/// The operator's own informer caches: the page costs the API server no request for the jobs, nor for the trials of
/// the jobs whose shard this silo caches. The trials of the other shards come from one list of them all
/// (<c>clustertune.io/shard notin (…)</c>), reused for <see cref="RemoteFor"/> (the page polls every 5 s).
/// </summary>
public sealed class CacheSweepSource(OperatorCaches caches, IKubernetes client, TimeProvider time) : ISweepSource
{
    /// <summary>How long one list of the other shards' trials serves the page.</summary>
    public static readonly TimeSpan RemoteFor = TimeSpan.FromSeconds(5);

    private readonly object _lock = new();
    private (DateTimeOffset At, IReadOnlySet<int>? Owned, Task<ILookup<string, Trial>> Trials)? _remote;

    /// <inheritdoc />
    public Task<IReadOnlyList<FineTuneJob>> JobsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FineTuneJob>>([.. caches.Jobs.List()
            .OrderBy(j => j.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(j => j.Metadata.Name, StringComparer.Ordinal)]);

    /// <inheritdoc />
    public Task<FineTuneJob?> JobAsync(string @namespace, string name, CancellationToken ct) => Task.FromResult(caches.Jobs.Get(@namespace, name));

    /// <inheritdoc />
    public async Task<IReadOnlyList<Trial>> TrialsAsync(FineTuneJob job, CancellationToken ct)
    {
        if (caches.Covers(job.Metadata.NamespaceProperty, job.Metadata.Name!))
        {
            return caches.TrialsOf(job);
        }

        var remote = await RemoteAsync(ct);
        return [.. remote[ObjectKey.Of(job.Metadata.NamespaceProperty, job.Metadata.Name!)]
            .Where(t => t.Metadata.OwnerReferences?.Any(o => o.Uid == job.Metadata.Uid) != false)];
    }

    // One list at a time, shared by the requests that need it while it is fresh.
    private Task<ILookup<string, Trial>> RemoteAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            var owned = caches.Shards;
            if (_remote is { } r && ReferenceEquals(r.Owned, owned) && !r.Trials.IsFaulted && !r.Trials.IsCanceled
                && time.GetUtcNow() - r.At < RemoteFor)
            {
                return r.Trials;
            }

            var trials = ListAsync(OperatorCaches.ShardSelector(owned, except: true), ct);
            _remote = (time.GetUtcNow(), owned, trials);
            return trials;
        }
    }

    private async Task<ILookup<string, Trial>> ListAsync(string? selector, CancellationToken ct) =>
        (await client.ListAllAsync<Trial>(caches.Namespace, selector, ct: ct)).ToLookup(t => ObjectKey.Of(t.Metadata.NamespaceProperty, t.Spec.JobName));
}
