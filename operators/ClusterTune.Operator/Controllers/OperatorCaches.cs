using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The informer caches the controllers read from: every FineTuneJob, and the Trials and ClusterTune pods of the shards
/// this silo owns (<see cref="JobShards"/>; all of them until <see cref="SetShardsAsync"/> says otherwise). A change of
/// shards lists the new set with a label selector while the old caches keep serving, then swaps them in whole, so a
/// reader sees one consistent set; handlers move with them.
/// </summary>
public sealed class OperatorCaches
{
    private readonly IKubernetes _client;
    private readonly string? _namespace;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly List<InformerHandler<Trial>> _trialHandlers = [];
    private readonly List<InformerHandler<V1Pod>> _podHandlers = [];
    private readonly List<Task> _running = [];
    private readonly object _lock = new();
    private ShardCaches _current;
    private TaskCompletionSource _swapped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _run;
    private Action<UndecodableObject>? _onUndecodable;

    /// <summary>Creates the informers (not started: see <see cref="RunAsync"/>).</summary>
    public OperatorCaches(IKubernetes client, string? watchNamespace, TimeProvider time, ILoggerFactory loggers)
    {
        (_client, _namespace, _time, _loggers) = (client, watchNamespace, time, loggers);
        Jobs = new Informer<FineTuneJob>(client, new InformerOptions { Namespace = watchNamespace, TimeProvider = time }, loggers.CreateLogger("informer.finetunejobs"));
        _current = NewShardCaches(null);
        DeletedPods = new DeletedPods(time);
        AddPodHandler(new InformerHandler<V1Pod>(OnDelete: DeletedPods.Add));
    }

    /// <summary>The final states of recently deleted pods (results that would otherwise be lost with the pod).</summary>
    public DeletedPods DeletedPods { get; }

    public Informer<FineTuneJob> Jobs { get; }

    /// <summary>The Trials of the shards cached now.</summary>
    public Informer<Trial> Trials => Volatile.Read(ref _current).Trials;

    /// <summary>ClusterTune's pods of the shards cached now.</summary>
    public Informer<V1Pod> Pods => Volatile.Read(ref _current).Pods;

    /// <summary>The shards cached now (null: all, without a selector).</summary>
    public IReadOnlySet<int>? Shards => Volatile.Read(ref _current).Shards;

    /// <summary>Told of every object that does not fit the API types, in any of the caches.</summary>
    public Action<UndecodableObject>? OnUndecodable
    {
        get => _onUndecodable;
        set
        {
            _onUndecodable = value;
            Jobs.OnUndecodable = value;
            Trials.OnUndecodable = value;
            Pods.OnUndecodable = value;
        }
    }

    /// <summary>Whether the Trials and pods of <paramref name="shard"/> are cached here and listed.</summary>
    public bool Covers(int shard) => Volatile.Read(ref _current) is var c && c.Synced && (c.Shards is null || c.Shards.Contains(shard));

    /// <summary>Whether the Trials and pods of the job <paramref name="name"/> in <paramref name="namespace"/> are cached here.</summary>
    public bool Covers(string? @namespace, string name) => Covers(JobShards.Of(@namespace ?? "", name));

    /// <summary>Adds a handler of Trial events (kept across shard changes).</summary>
    public void AddTrialHandler(InformerHandler<Trial> handler)
    {
        lock (_lock)
        {
            _trialHandlers.Add(handler);
            _current.Trials.AddHandler(handler);
        }
    }

    /// <summary>Adds a handler of pod events (kept across shard changes).</summary>
    public void AddPodHandler(InformerHandler<V1Pod> handler)
    {
        lock (_lock)
        {
            _podHandlers.Add(handler);
            _current.Pods.AddHandler(handler);
        }
    }

    /// <summary>The trials a job owns (by its label and its UID, so a re-created job never adopts old trials).</summary>
    public IReadOnlyList<Trial> TrialsOf(FineTuneJob job) =>
        Trials.ListByOwner(job.Metadata.Uid!).Where(t => t.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty).ToList();

    /// <summary>The pods of a job (every attempt of every trial).</summary>
    public IReadOnlyList<V1Pod> PodsOf(FineTuneJob job) =>
        Pods.ListByLabel(LabelKeys.Job, job.Metadata.Name!).Where(p => p.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty).ToList();

    /// <summary>
    /// Chooses the shards to cache before the caches start (null: all). Once running, use <see cref="SetShardsAsync"/>.
    /// </summary>
    public void StartWith(IReadOnlySet<int>? shards)
    {
        lock (_lock)
        {
            if (_running.Count > 0)
            {
                throw new InvalidOperationException("the caches are running: use SetShardsAsync");
            }

            if (!SameShards(shards, _current.Shards))
            {
                _current = NewShardCaches(shards);
            }
        }
    }

    /// <summary>Runs the informers until cancelled (the shards' informers of later <see cref="SetShardsAsync"/> calls too).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        ShardCaches first;
        lock (_lock)
        {
            _run = ct;
            first = _current;
            Start(first, ct);
        }

        try
        {
            await Jobs.RunAsync(ct);
        }
        finally
        {
            Task[] running;
            lock (_lock)
            {
                running = [.. _running];
            }

            await Task.WhenAll(running).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Waits until the caches have listed once.</summary>
    public Task WaitForSyncAsync(CancellationToken ct)
    {
        var c = Volatile.Read(ref _current);
        return Task.WhenAll(Jobs.WaitForSyncAsync(ct), c.Trials.WaitForSyncAsync(ct), c.Pods.WaitForSyncAsync(ct));
    }

    /// <summary>
    /// Caches the Trials and pods of <paramref name="shards"/> (null: all): lists them while the current caches keep
    /// serving, then swaps. Returns once the new caches are in use (at once when the set is the same).
    /// </summary>
    public async Task SetShardsAsync(IReadOnlySet<int>? shards, CancellationToken ct)
    {
        ShardCaches next;
        lock (_lock)
        {
            if (SameShards(shards, _current.Shards))
            {
                return;
            }

            next = NewShardCaches(shards);
            Start(next, _run);
        }

        try
        {
            await Task.WhenAll(next.Trials.WaitForSyncAsync(ct), next.Pods.WaitForSyncAsync(ct));
        }
        catch
        {
            await next.Stop.CancelAsync();
            throw;
        }

        ShardCaches old;
        TaskCompletionSource swapped;
        lock (_lock)
        {
            old = _current;
            Volatile.Write(ref _current, next);
            swapped = _swapped;
            _swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        await old.Stop.CancelAsync();
        swapped.TrySetResult();
    }

    /// <summary>Waits until <paramref name="shard"/> is cached here; false when it is not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForShardAsync(int shard, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        while (!Covers(shard))
        {
            Task swapped;
            lock (_lock)
            {
                swapped = _swapped.Task;
            }

            var initial = Volatile.Read(ref _current);
            await Task.WhenAny(swapped, Task.WhenAll(initial.Trials.WaitForSyncAsync(limit.Token), initial.Pods.WaitForSyncAsync(limit.Token)));
            ct.ThrowIfCancellationRequested();
            if (limit.IsCancellationRequested)
            {
                return Covers(shard);
            }
        }
        return true;
    }

    /// <summary>The label selector of a shard set ("clustertune.io/shard in (…)"), or null for all shards.</summary>
    public static string? ShardSelector(IReadOnlySet<int>? shards) =>
        shards is null ? null : $"{LabelKeys.Shard} in ({string.Join(",", shards.Order().Select(s => s.ToString(CultureInfo.InvariantCulture)))})";

    private ShardCaches NewShardCaches(IReadOnlySet<int>? shards)
    {
        var selector = ShardSelector(shards);
        var managed = $"{LabelKeys.ManagedBy}={LabelKeys.ManagedByValue}";
        var trials = new Informer<Trial>(_client, new InformerOptions { Namespace = _namespace, LabelSelector = selector, TimeProvider = _time },
            _loggers.CreateLogger("informer.trials"));
        var pods = new Informer<V1Pod>(_client, new InformerOptions
        {
            Namespace = _namespace,
            LabelSelector = selector is null ? managed : $"{managed},{selector}",
            TimeProvider = _time,
        }, _loggers.CreateLogger("informer.pods"));
        trials.OnUndecodable = _onUndecodable;
        pods.OnUndecodable = _onUndecodable;
        foreach (var h in _trialHandlers)
        {
            trials.AddHandler(h);
        }

        foreach (var h in _podHandlers)
        {
            pods.AddHandler(h);
        }
        return new ShardCaches(shards, trials, pods, new CancellationTokenSource());
    }

    private void Start(ShardCaches caches, CancellationToken run)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(run, caches.Stop.Token);
        _running.RemoveAll(t => t.IsCompleted);
        _running.Add(Task.WhenAll(caches.Trials.RunAsync(stop.Token), caches.Pods.RunAsync(stop.Token))
            .ContinueWith(_ => stop.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
    }

    private static bool SameShards(IReadOnlySet<int>? a, IReadOnlySet<int>? b) => a is null ? b is null : b is not null && a.SetEquals(b);

    private sealed record ShardCaches(IReadOnlySet<int>? Shards, Informer<Trial> Trials, Informer<V1Pod> Pods, CancellationTokenSource Stop)
    {
        public bool Synced => Trials.HasSynced && Pods.HasSynced;
    }
}
