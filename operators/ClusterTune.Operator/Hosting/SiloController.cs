using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes.Informers;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Grains;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Hosting;

/// <summary>
/// Runs on every silo: the informers, and the routing of what they see to the job grains. A silo routes only the
/// events of the jobs it owns (<see cref="JobPartition"/> over the active silos — the rule that also places the
/// grains), so each event reaches its grain once, from the silo that hosts it, however many silos there are. No silo
/// is special: there is no leader. When the membership changes, and every <see cref="OperatorOptions.ResyncPeriod"/>,
/// each silo heals every unfinished job it owns (<see cref="JobWorkItems.Heal"/>), so the jobs of a dead silo
/// reactivate on their new owners even if nothing about them changes, and an event that no silo owned while their
/// views of the membership differed is not lost.
/// </summary>
public sealed partial class SiloController(OperatorRuntime runtime, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails local) : BackgroundService
{
    private readonly ILogger _logger = runtime.Loggers.CreateLogger("clustertune.silo");
    private SiloAddress[] _active = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var caches = runtime.Caches;
        // An object that does not fit the API types is skipped, not retried forever: tell its owner once per version.
        void Undecodable(UndecodableObject o) => _ = runtime.Recorder.RecordAsync(o.Reference, EventTypes.Warning, EventReasons.ObjectUndecodable,
            $"ClusterTune cannot read this {o.Reference.Kind} and ignores it until it is fixed: {o.Error}", CancellationToken.None);
        caches.Jobs.OnUndecodable = Undecodable;
        caches.Trials.OnUndecodable = Undecodable;
        caches.Pods.OnUndecodable = Undecodable;
        // A suspension flip concerns every running trial (their pods stop or resume), not only the job.
        caches.Jobs.AddHandler(Handler<FineTuneJob>(j => (ObjectKey.Of(j), [JobWorkItems.Job]),
            (old, now) => JobControl.IsSuspended(old) != JobControl.IsSuspended(now) ? (ObjectKey.Of(now), [JobWorkItems.Heal]) : null));
        caches.Trials.AddHandler(Handler<Trial>(t => (ObjectKey.Of(t.Metadata.NamespaceProperty, t.Spec.JobName), [JobWorkItems.Trial(t.Metadata.Name!), JobWorkItems.Job])));
        caches.Pods.AddHandler(Handler<V1Pod>(PodItems));
        _active = Active(membership.CurrentSnapshot);
        var informers = caches.RunAsync(ct);
        try
        {
            await caches.WaitForSyncAsync(ct);
            runtime.MarkReady();
            runtime.Metrics.SiloReady.WithLabels(runtime.Options.Identity).Set(1);
            LogReady(_logger, runtime.Options.Identity);
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
    public bool Owns(string job)
    {
        var active = Volatile.Read(ref _active);
        return active.Length == 0 || JobPartition.Owner(job, active) == local.SiloAddress;
    }

    private static SiloAddress[] Active(ClusterMembershipSnapshot snapshot) =>
        [.. snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress)];

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
            var active = Active(snapshot);
            var before = Interlocked.Exchange(ref _active, active);
            if (active.ToHashSet().SetEquals(before))
            {
                continue;
            }

            LogMembershipChanged(_logger, active.Length, string.Join(", ", before.Except(active)), string.Join(", ", active.Except(before)));
            HealOwnedUnfinished();
        }
    }

    private async Task ResyncAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(runtime.Options.ResyncPeriod, runtime.Time);
        while (await timer.WaitForNextTickAsync(ct))
        {
            HealOwnedUnfinished();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity}: caches synced; this silo takes job grains")]
    private static partial void LogReady(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Active} active silo(s) (left: [{Left}], joined: [{Joined}]); healing every unfinished job this silo now owns")]
    private static partial void LogMembershipChanged(ILogger logger, int active, string left, string joined);
}
