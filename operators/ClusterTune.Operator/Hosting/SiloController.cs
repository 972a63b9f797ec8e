using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Grains;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Hosting;

/// <summary>
/// Runs on every silo: the informers, and the routing of what they see to the job grains. Jobs are dealt to the active
/// silos by shard (<see cref="JobPartition"/> — the rule that also places the grains), and each silo caches the Trials
/// and pods of its own shards only, so every silo holds about 1/N of them and each event reaches its grain once, from
/// the silo that hosts it. No silo is special: there is no leader. When the membership changes a silo first lets go of
/// the grains of the shards it loses, then lists the shards it gains (while its old caches keep serving), then heals every
/// unfinished job it owns (<see cref="JobWorkItems.Heal"/>); it heals them every <see cref="OperatorOptions.ResyncPeriod"/>
/// too, so the jobs of a dead silo reactivate on their new owners even if nothing about them changes, and an event that
/// no silo owned while their views of the membership differed is not lost.
/// </summary>
public sealed partial class SiloController(OperatorRuntime runtime, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails local) : BackgroundService
{
    /// <summary>How long a silo waits for the grains of the shards it loses to deactivate before it drops their caches.</summary>
    public static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger = runtime.Loggers.CreateLogger("clustertune.silo");
    private SiloAddress[]? _owners;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var caches = runtime.Caches;
        // An object that does not fit the API types is skipped, not retried forever: tell its owner once per version.
        caches.OnUndecodable = o => _ = runtime.Recorder.RecordAsync(o.Reference, EventTypes.Warning, EventReasons.ObjectUndecodable,
            $"ClusterTune cannot read this {o.Reference.Kind} and ignores it until it is fixed: {o.Error}", CancellationToken.None);
        // A suspension flip concerns every running trial (their pods stop or resume), not only the job.
        caches.Jobs.AddHandler(Handler<FineTuneJob>(j => (ObjectKey.Of(j), [JobWorkItems.Job]),
            (old, now) => JobControl.IsSuspended(old) != JobControl.IsSuspended(now) ? (ObjectKey.Of(now), [JobWorkItems.Heal]) : null));
        caches.AddTrialHandler(Handler<Trial>(t => (ObjectKey.Of(t.Metadata.NamespaceProperty, t.Spec.JobName), [JobWorkItems.Trial(t.Metadata.Name!), JobWorkItems.Job])));
        caches.AddPodHandler(Handler<V1Pod>(PodItems));
        _owners = Owners(membership.CurrentSnapshot);
        caches.StartWith(OwnedShards(_owners));
        var informers = caches.RunAsync(ct);
        try
        {
            await caches.WaitForSyncAsync(ct);
            // Objects an operator from before shards made are labelled before any grain reads the sharded caches.
            await LabelUnshardedAsync(ct);
            runtime.MarkReady();
            runtime.Metrics.SiloReady.WithLabels(runtime.Options.Identity).Set(1);
            LogReady(_logger, runtime.Options.Identity, caches.Shards?.Count ?? JobShards.Count);
            await Task.WhenAll(WatchMembershipAsync(ct), ResyncAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            runtime.Metrics.SiloReady.WithLabels(runtime.Options.Identity).Set(0);
            try
            {
                await informers;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <inheritdoc />
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Hosted services stop before the silo: the job grains' work stops here, then Orleans deactivates them.
        runtime.Stop();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>Heals the grain of every job this silo owns that still has work (not finished, or being deleted, or awaiting promotion).</summary>
    public void HealOwnedUnfinished()
    {
        foreach (var job in runtime.Caches.Jobs.List().Where(HasWork))
        {
            var key = ObjectKey.Of(job);
            if (Owns(key))
            {
                Touch(key, [JobWorkItems.Heal]);
            }
        }
    }

    /// <summary>Whether this silo routes the events of <paramref name="job"/> (always, until the membership is known).</summary>
    public bool Owns(string job) => Volatile.Read(ref _owners) is not { } owners || owners[JobShards.Of(job)] == local.SiloAddress;

    // The owner of each shard among the active silos and this one (which may not be Active yet while it starts).
    private SiloAddress[]? Owners(ClusterMembershipSnapshot snapshot) => JobPartition.Assign(ActiveWith(snapshot, local.SiloAddress));

    /// <summary>The active silos of <paramref name="snapshot"/>, and <paramref name="self"/> (which may not be Active yet while it starts).</summary>
    public static List<SiloAddress> ActiveWith(ClusterMembershipSnapshot snapshot, SiloAddress self)
    {
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        if (active.Count > 0 && !active.Contains(self))
        {
            active.Add(self);
        }

        return active;
    }

    // The shards this silo caches: all (no selector) while it is alone or the membership is unknown.
    private HashSet<int>? OwnedShards(SiloAddress[]? owners) =>
        owners is null || owners.All(o => o == local.SiloAddress) ? null : [.. Enumerable.Range(0, owners.Length).Where(i => owners[i] == local.SiloAddress)];

    /// <summary>Whether a job may still need its controller without any change to it.</summary>
    public static bool HasWork(FineTuneJob job) =>
        job.Metadata.DeletionTimestamp is not null
        || job.Status?.Phase is not (FineTuneJobPhase.Succeeded or FineTuneJobPhase.Failed)
        || Conditions.Find(job.Status.Conditions, ConditionTypes.CheckpointPromoted)?.Reason == ConditionReasons.PromotionPending;

    private InformerHandler<T> Handler<T>(Func<T, (string? Job, string[] Items)?> route, Func<T, T, (string? Job, string[] Items)?>? update = null)
    {
        void Route((string? Job, string[] Items)? to)
        {
            if (to is ({ } job, var items) && Owns(job))
            {
                Touch(job, items);
            }
        }
        return new InformerHandler<T>(obj => Route(route(obj)), (old, now) => Route(update?.Invoke(old, now) ?? route(now)), obj => Route(route(obj)));
    }

    private static (string? Job, string[] Items)? PodItems(V1Pod pod)
    {
        string? job = null;
        pod.Metadata.Labels?.TryGetValue(LabelKeys.Job, out job);
        var trial = pod.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == Trial.KindName)?.Name;
        return job is null || trial is null ? null : (ObjectKey.Of(pod.Metadata.NamespaceProperty, job), [JobWorkItems.Trial(trial)]);
    }

    private void Touch(string job, string[] items)
    {
        // One-way: the informer loop never waits on a grain. A message lost with a dying silo is healed by the resync.
        _ = grains.GetGrain<IFineTuneJobGrain>(job).Touch(items);
    }

    private async Task WatchMembershipAsync(CancellationToken ct)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(ct))
        {
            var owners = Owners(snapshot);
            var before = Interlocked.Exchange(ref _owners, owners);
            if (owners is not null && before is not null && owners.SequenceEqual(before))
            {
                continue;
            }

            var shards = OwnedShards(owners);
            LogMembershipChanged(_logger, owners?.Distinct().Count() ?? 0, shards?.Count ?? JobShards.Count);
            // An exception here must not end the silo's membership handling for good: log it, and the resync retries.
            await Guarded("the membership change", async () =>
            {
                // Shards this silo loses stop counting as cached at once (a grain activating for one fails and is placed
                // again), then their grains go, then their caches: a grain never reads an empty cache as "no trials".
                runtime.Caches.Narrow(shards);
                await ReleaseAsync(ct);
                await runtime.Caches.SetShardsAsync(shards, ct);
                await LabelUnshardedAsync(ct);
                HealOwnedUnfinished();
            }, ct);
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(runtime.Options.ResyncPeriod, runtime.Time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            await Guarded("the resync", async () =>
            {
                await runtime.Caches.SetShardsAsync(OwnedShards(Volatile.Read(ref _owners)), ct);
                await ReleaseAsync(ct);
                await LabelUnshardedAsync(ct);
                HealOwnedUnfinished();
            }, ct);
        }
    }

    private async Task Guarded(string what, Func<Task> work, CancellationToken ct)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogStepFailed(_logger, what, e);
        }
    }

    // Lets the grains of jobs this silo no longer owns go, then heals each of them: the touch places it on its owner.
    private async Task ReleaseAsync(CancellationToken ct)
    {
        var released = runtime.Grains.Keys.Where(job => !Owns(job)).ToList();
        if (released.Count == 0)
        {
            return;
        }

        foreach (var job in released)
        {
            try
            {
                await grains.GetGrain<IFineTuneJobGrain>(job).Release();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // It went already (or is going): either way it is not here any more.
            }
        }

        var deadline = runtime.Time.GetUtcNow() + ReleaseTimeout;
        while (released.Any(runtime.Grains.ContainsKey) && runtime.Time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), runtime.Time, ct);
        }

        foreach (var job in released)
        {
            Touch(job, [JobWorkItems.Heal]);
        }
    }

    // Trials and pods made before shards existed carry no shard label, so no sharded cache lists them: a silo labels
    // every one it finds (the value is the same whichever silo writes it) before it is ready, and again at each resync
    // and membership change (a list that is empty once they all are, and a merge patch each).
    private async Task LabelUnshardedAsync(CancellationToken ct)
    {
        var selector = $"!{LabelKeys.Shard}";
        try
        {
            foreach (var trial in await runtime.Client.ListAllAsync<Trial>(runtime.Options.WatchNamespace, selector, ct: ct))
            {
                await LabelAsync(trial, trial.Metadata.NamespaceProperty, trial.Spec.JobName, ct);
            }

            foreach (var pod in await runtime.Client.ListAllAsync<V1Pod>(runtime.Options.WatchNamespace, $"{LabelKeys.ManagedBy}={LabelKeys.ManagedByValue},{selector}", ct: ct))
            {
                if (pod.Metadata.Labels?.TryGetValue(LabelKeys.Job, out var job) == true)
                {
                    await LabelAsync(pod, pod.Metadata.NamespaceProperty, job, ct);
                }
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogLabelFailed(_logger, e.Message);
        }
    }

    private async Task LabelAsync<T>(T obj, string ns, string job, CancellationToken ct) where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        try
        {
            await runtime.Api.LabelAsync(obj, LabelKeys.Shard, JobShards.Label(ns, job), ct);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // Gone since the list.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity}: caches synced ({Shards} shards); this silo takes job grains")]
    private static partial void LogReady(ILogger logger, string identity, int shards);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Active} active silo(s); this silo now owns {Shards} shards; releasing the grains of the others, listing what it gains, healing every unfinished job it owns")]
    private static partial void LogMembershipChanged(ILogger logger, int active, int shards);

    [LoggerMessage(Level = LogLevel.Error, Message = "{What} failed; the next resync tries again")]
    private static partial void LogStepFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "labelling Trials and pods without a shard failed (retried at the next resync): {Error}")]
    private static partial void LogLabelFailed(ILogger logger, string error);
}
