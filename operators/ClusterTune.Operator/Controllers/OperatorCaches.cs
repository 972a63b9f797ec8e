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
/// this silo owns (<see cref="JobShards"/>; all of them, without a selector, until <see cref="SetShardsAsync"/> says
/// otherwise). They live in shard groups, one pair of informers each: a membership change lists only the shards a silo
/// gains (a new group, while the others keep serving), stops a group once none of its shards is owned, and relists
/// the owned set as one group when the groups watch many shards no longer owned — so a failover costs each survivor
/// a list of its new share, not of everything it owns. Handlers move with the groups.
/// </summary>
public sealed class OperatorCaches : IDisposable
{
    private readonly IKubernetes _client;
    private readonly string? _namespace;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly List<InformerHandler<Trial>> _trialHandlers = [];
    private readonly List<InformerHandler<V1Pod>> _podHandlers = [];
    private readonly List<Task> _running = [];
    private readonly object _lock = new();
    private readonly SemaphoreSlim _changing = new(1, 1);
    private State _state;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _run;
    private bool _started;
    private Action<UndecodableObject>? _onUndecodable;

    /// <summary>Creates the informers (not started: see <see cref="RunAsync"/>).</summary>
    public OperatorCaches(IKubernetes client, string? watchNamespace, TimeProvider time, ILoggerFactory loggers)
    {
        (_client, _namespace, _time, _loggers) = (client, watchNamespace, time, loggers);
        Jobs = new Informer<FineTuneJob>(client, new InformerOptions { Namespace = watchNamespace, TimeProvider = time }, loggers.CreateLogger("informer.finetunejobs"));
        DeletedPods = new DeletedPods(time);
        _state = new State([NewGroup(null)], null);
        Trials = new CacheView<Trial>(() => [.. Volatile.Read(ref _state).Groups.Select(g => g.Trials)], time);
        Pods = new CacheView<V1Pod>(() => [.. Volatile.Read(ref _state).Groups.Select(g => g.Pods)], time);
    }

    /// <summary>The final states of recently deleted pods (results that would otherwise be lost with the pod).</summary>
    public DeletedPods DeletedPods { get; }

    public Informer<FineTuneJob> Jobs { get; }

    /// <summary>The Trials of the shards cached.</summary>
    public CacheView<Trial> Trials { get; }

    /// <summary>ClusterTune's pods of the shards cached.</summary>
    public CacheView<V1Pod> Pods { get; }

    /// <summary>The namespace watched (null: all).</summary>
    public string? Namespace => _namespace;

    /// <summary>The shards owned now (null: all).</summary>
    public IReadOnlySet<int>? Shards => Volatile.Read(ref _state).Owned;

    /// <summary>Told of every object that does not fit the API types, in any of the caches.</summary>
    public Action<UndecodableObject>? OnUndecodable
    {
        get => _onUndecodable;
        set
        {
            lock (_lock)
            {
                _onUndecodable = value;
                Jobs.OnUndecodable = value;
                foreach (var g in _state.Groups)
                {
                    g.Trials.OnUndecodable = value;
                    g.Pods.OnUndecodable = value;
                }
            }
        }
    }

    /// <summary>Whether the Trials and pods of <paramref name="shard"/> are owned, cached here and listed.</summary>
    public bool Covers(int shard) => Covers(Volatile.Read(ref _state), shard);

    private static bool Covers(State state, int shard) =>
        (state.Owned is null || state.Owned.Contains(shard)) && state.Groups.Any(g => g.Synced && (g.Shards is null || g.Shards.Contains(shard)));

    /// <summary>
    /// Stops owning the shards not in <paramref name="shards"/> at once (their caches stay until
    /// <see cref="SetShardsAsync"/>): the first step of a membership change, before the grains of those shards go.
    /// </summary>
    public void Narrow(IReadOnlySet<int>? shards)
    {
        lock (_lock)
        {
            var owned = shards is null ? _state.Owned : _state.Owned is null ? new HashSet<int>(shards) : _state.Owned.Where(shards.Contains).ToHashSet();
            _state = _state with { Owned = owned };
        }
    }

    /// <summary>Whether the Trials and pods of the job <paramref name="name"/> in <paramref name="namespace"/> are cached here.</summary>
    public bool Covers(string? @namespace, string name) => Covers(JobShards.Of(@namespace ?? "", name));

    /// <summary>Adds a handler of Trial events (kept across shard changes).</summary>
    public void AddTrialHandler(InformerHandler<Trial> handler)
    {
        lock (_lock)
        {
            _trialHandlers.Add(handler);
            foreach (var g in _state.Groups)
            {
                g.Trials.AddHandler(handler);
            }
        }
    }

    /// <summary>Adds a handler of pod events (kept across shard changes).</summary>
    public void AddPodHandler(InformerHandler<V1Pod> handler)
    {
        lock (_lock)
        {
            _podHandlers.Add(handler);
            foreach (var g in _state.Groups)
            {
                g.Pods.AddHandler(handler);
            }
        }
    }

    /// <summary>The trials a job owns (by its label and its UID, so a re-created job never adopts old trials).</summary>
    public IReadOnlyList<Trial> TrialsOf(FineTuneJob job) =>
        Trials.ListByOwner(job.Metadata.Uid!).Where(t => t.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty).ToList();

    /// <summary>The pods of a job (every attempt of every trial).</summary>
    public IReadOnlyList<V1Pod> PodsOf(FineTuneJob job) =>
        Pods.ListByLabel(LabelKeys.Job, job.Metadata.Name!).Where(p => p.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty).ToList();

    /// <summary>Chooses the shards to cache before the caches start (null: all). Once running, use <see cref="SetShardsAsync"/>.</summary>
    public void StartWith(IReadOnlySet<int>? shards)
    {
        lock (_lock)
        {
            if (_started)
            {
                throw new InvalidOperationException("the caches are running: use SetShardsAsync");
            }

            _state = new State([NewGroup(shards is null ? null : new HashSet<int>(shards))], shards is null ? null : new HashSet<int>(shards));
        }
    }

    /// <summary>Runs the informers until cancelled (those of later <see cref="SetShardsAsync"/> calls too).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            _run = ct;
            _started = true;
            foreach (var g in _state.Groups)
            {
                Start(g);
            }
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
    public Task WaitForSyncAsync(CancellationToken ct) =>
        Task.WhenAll([Jobs.WaitForSyncAsync(ct), .. Volatile.Read(ref _state).Groups.SelectMany(g => new[] { g.Trials.WaitForSyncAsync(ct), g.Pods.WaitForSyncAsync(ct) })]);

    /// <summary>
    /// Owns and caches the Trials and pods of <paramref name="shards"/> (null: all). Shards already watched stay as they
    /// are; the ones gained are listed as a new group while the others keep serving; a group none of whose shards is
    /// owned stops. When the groups would watch more than a quarter as many unowned shards as owned ones (or for all
    /// shards), the owned set is listed afresh as one group and swapped in. Returns once the caches cover the set.
    /// </summary>
    public async Task SetShardsAsync(IReadOnlySet<int>? shards, CancellationToken ct)
    {
        await _changing.WaitAsync(ct); // the membership handling and the resync may both ask
        try
        {
            await ChangeShardsAsync(shards is null ? null : new HashSet<int>(shards), ct);
        }
        finally
        {
            _changing.Release();
        }
    }

    private async Task ChangeShardsAsync(HashSet<int>? owned, CancellationToken ct)
    {
        State now;
        lock (_lock)
        {
            now = _state;
        }

        var watched = now.Groups.Any(g => g.Shards is null) ? null : now.Groups.SelectMany(g => g.Shards!).ToHashSet();
        ShardGroup[] keep;
        HashSet<int>? gained;
        if (owned is null)
        {
            (keep, gained) = watched is null ? (now.Groups.Where(g => g.Shards is null).Take(1).ToArray(), new HashSet<int>()) : ([], null);
        }
        else if (watched is null || watched.Count(s => !owned.Contains(s)) > owned.Count / 4)
        {
            (keep, gained) = ([], owned);
        }
        else
        {
            keep = [.. now.Groups.Where(g => g.Shards!.Overlaps(owned))];
            gained = [.. owned.Where(s => !watched.Contains(s))];
        }

        var groups = keep.ToList();
        if (gained is null || gained.Count > 0)
        {
            ShardGroup added;
            lock (_lock)
            {
                added = NewGroup(gained);
                Start(added);
            }

            try
            {
                await Task.WhenAll(added.Trials.WaitForSyncAsync(ct), added.Pods.WaitForSyncAsync(ct));
            }
            catch
            {
                await added.Stop.CancelAsync();
                throw;
            }

            groups.Add(added);
        }

        TaskCompletionSource changed;
        lock (_lock)
        {
            _state = new State([.. groups], owned);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        foreach (var gone in now.Groups.Except(groups))
        {
            await gone.Stop.CancelAsync();
        }

        changed.TrySetResult();
    }

    /// <summary>Waits until <paramref name="shard"/> is cached here; false when it is not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForShardAsync(int shard, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        while (true)
        {
            Task changed;
            State state;
            lock (_lock)
            {
                changed = _changed.Task;
                state = _state;
            }

            if (Covers(state, shard))
            {
                return true;
            }

            // Either the shards change, or a group that watches the shard finishes its first list.
            var listing = state.Groups.Where(g => !g.Synced).Select(g => Task.WhenAll(g.Trials.WaitForSyncAsync(CancellationToken.None), g.Pods.WaitForSyncAsync(CancellationToken.None)));
            try
            {
                await Task.WhenAny([changed, .. listing]).WaitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return Covers(shard);
            }
        }
    }

    /// <summary>
    /// The label selector of a shard set ("clustertune.io/shard in (…)"; with <paramref name="except"/>, "notin"), or
    /// null for all shards.
    /// </summary>
    public static string? ShardSelector(IReadOnlySet<int>? shards, bool except = false) =>
        shards is null ? null : $"{LabelKeys.Shard} {(except ? "notin" : "in")} ({string.Join(",", shards.Order().Select(s => s.ToString(CultureInfo.InvariantCulture)))})";

    private ShardGroup NewGroup(IReadOnlySet<int>? shards)
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
        // Filled before a pod leaves the cache: a trial reconcile in between never finds its ended pod in neither.
        pods.BeforeRemove = DeletedPods.Add;
        foreach (var h in _trialHandlers)
        {
            trials.AddHandler(h);
        }

        foreach (var h in _podHandlers)
        {
            pods.AddHandler(h);
        }
        return new ShardGroup(shards, trials, pods, new CancellationTokenSource());
    }

    private void Start(ShardGroup group)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_run, group.Stop.Token);
        _running.RemoveAll(t => t.IsCompleted);
        _running.Add(Task.WhenAll(group.Trials.RunAsync(stop.Token), group.Pods.RunAsync(stop.Token))
            .ContinueWith(_ => stop.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
    }

    /// <inheritdoc />
    public void Dispose() => _changing.Dispose();

    private sealed record State(ShardGroup[] Groups, IReadOnlySet<int>? Owned);

    private sealed record ShardGroup(IReadOnlySet<int>? Shards, Informer<Trial> Trials, Informer<V1Pod> Pods, CancellationTokenSource Stop)
    {
        public bool Synced => Trials.HasSynced && Pods.HasSynced;
    }
}
