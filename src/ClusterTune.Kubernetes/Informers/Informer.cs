using ClusterTune.Api.Meta;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Retry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Kubernetes.Informers;

/// <summary>
/// A list+watch cache (client-go's Reflector + Indexer): lists, then watches from the list's resourceVersion;
/// re-watches from the last seen version when a stream ends or drops; relists on 410/ERROR and diffs the cache
/// (emitting deletes missed while disconnected). Indexed by owner UID and by label. Cached objects are shared:
/// never mutate them.
/// </summary>
public sealed partial class Informer<T>
    where T : class, IKubernetesObject
{
    private readonly KubernetesClient _client;
    private readonly InformerOptions _options;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), HashSet<string>> _byLabel = new();
    private readonly List<InformerHandler<T>> _handlers = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _resourceVersion;
    private long _relists;
    private long _watches;

    public Informer(KubernetesClient client, InformerOptions? options = null, ILogger? logger = null)
    {
        _client = client;
        _options = options ?? new InformerOptions();
        _log = logger ?? NullLogger.Instance;
    }

    /// <summary>True once the first list has been applied to the cache.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The last resourceVersion seen (list, event or bookmark).</summary>
    public string? LastResourceVersion
    {
        get
        {
            lock (_gate)
                return _resourceVersion;
        }
    }

    /// <summary>Number of lists performed (1 + relists after 410/errors).</summary>
    public long Lists => Interlocked.Read(ref _relists);

    /// <summary>Number of watch streams opened.</summary>
    public long Watches => Interlocked.Read(ref _watches);

    public int Count
    {
        get
        {
            lock (_gate)
                return _items.Count;
        }
    }

    /// <summary>Registers callbacks; register before <see cref="RunAsync"/> to see the initial adds.</summary>
    public void AddHandler(InformerHandler<T> handler)
    {
        lock (_gate)
            _handlers.Add(handler);
    }

    /// <summary>Feeds every add/update/delete into a work queue as the key <paramref name="keyOf"/> returns (default: the object's own key; null skips).</summary>
    public void EnqueueTo(WorkQueue<string> queue, Func<T, string?>? keyOf = null)
    {
        keyOf ??= ObjectKey.Of;
        void Enqueue(T o)
        {
            if (keyOf(o) is { } k)
                queue.Add(k);
        }
        AddHandler(new InformerHandler<T>(Enqueue, (_, n) => Enqueue(n), Enqueue));
    }

    /// <summary>Waits until the first list is in the cache.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    public T? Get(string key)
    {
        lock (_gate)
            return _items.GetValueOrDefault(key);
    }

    public T? Get(string? @namespace, string name) => Get(ObjectKey.Of(@namespace, name));

    public IReadOnlyList<T> List()
    {
        lock (_gate)
            return _items.Values.ToList();
    }

    /// <summary>Objects whose ownerReferences name this UID.</summary>
    public IReadOnlyList<T> ListByOwner(string ownerUid) => FromIndex(_byOwner, ownerUid);

    /// <summary>Objects carrying label key=value.</summary>
    public IReadOnlyList<T> ListByLabel(string key, string value) => FromIndex(_byLabel, (key, value));

    /// <summary>Runs list+watch until cancelled; never throws for API or connection errors (it backs off and retries).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var backoff = new ExponentialBackoff(_options.InitialBackoff, _options.MaxBackoff, _options.Random);
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAndReplaceAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                }
                var started = time.GetUtcNow();
                var outcome = await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                if (outcome == WatchOutcome.Expired)
                {
                    needList = true;
                    continue;
                }
                if (outcome == WatchOutcome.Progress || time.GetUtcNow() - started > TimeSpan.FromSeconds(1))
                {
                    backoff.Reset();
                    continue;
                }
                // A stream that closes at once with nothing in it must not become a hot loop.
                await Task.Delay(backoff.Next(), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (GoneException)
            {
                LogExpired(_log, typeof(T).Name);
                needList = true;
            }
            catch (Exception e)
            {
                var delay = backoff.Next();
                LogRetry(_log, typeof(T).Name, delay.TotalMilliseconds, e.Message);
                try
                {
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private enum WatchOutcome
    {
        Idle,
        Progress,
        Expired,
    }

    private async Task<WatchOutcome> WatchOnceAsync(CancellationToken ct)
    {
        double r;
        lock (_options.Random)
            r = _options.Random.NextDouble();
        var timeout = (int)Math.Max(1, _options.MinWatchTimeout.TotalSeconds * (1 + r));
        var watch = new WatchOptions
        {
            ResourceVersion = LastResourceVersion,
            AllowWatchBookmarks = true,
            TimeoutSeconds = timeout,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
        };
        Interlocked.Increment(ref _watches);
        var outcome = WatchOutcome.Idle;
        await foreach (var ev in _client.WatchAsync<T>(_options.Namespace, watch, ct).ConfigureAwait(false))
        {
            switch (ev.Type)
            {
                case WatchEventType.Added:
                case WatchEventType.Modified:
                    Upsert(ev.Object!);
                    break;
                case WatchEventType.Deleted:
                    Remove(ev.Object!);
                    break;
                case WatchEventType.Bookmark:
                    if (ev.Object?.Metadata.ResourceVersion is { Length: > 0 } rv)
                    {
                        lock (_gate)
                            _resourceVersion = rv;
                    }
                    break;
                case WatchEventType.Error:
                    if (ev.IsExpired)
                    {
                        LogExpired(_log, typeof(T).Name);
                        return WatchOutcome.Expired;
                    }
                    // Any other in-stream error: the stream is unusable; relist to be safe.
                    LogWatchError(_log, typeof(T).Name, ev.Error?.Code ?? 0, ev.Error?.Message);
                    return WatchOutcome.Expired;
            }
            outcome = WatchOutcome.Progress;
        }
        return outcome;
    }

    private async Task ListAndReplaceAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _relists);
        // First list may be served from the watch cache (RV "0"); later ones are "not older than" what we saw.
        var rv = LastResourceVersion ?? "0";
        var opts = new ListOptions
        {
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
            Limit = _options.PageSize > 0 ? _options.PageSize : null,
            ResourceVersion = rv,
        };
        KubernetesList<T> list;
        try
        {
            list = await _client.ListAllAsync<T>(_options.Namespace, opts, ct).ConfigureAwait(false);
        }
        catch (KubernetesApiException e) when (e is GoneException || e.HasCause(StatusReasons.ResourceVersionTooLarge))
        {
            // As client-go: an expired or too-new version falls back to a consistent read.
            list = await _client.ListAllAsync<T>(_options.Namespace, opts with { ResourceVersion = null }, ct).ConfigureAwait(false);
        }
        Replace(list.Items, list.Metadata.ResourceVersion);
        _synced.TrySetResult();
    }

    private void Replace(List<T> items, string? listRv)
    {
        var adds = new List<T>();
        var updates = new List<(T Old, T New)>();
        var deletes = new List<T>();
        InformerHandler<T>[] handlers;
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var key = ObjectKey.Of(item);
                seen.Add(key);
                if (_items.TryGetValue(key, out var old))
                {
                    if (old.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
                        updates.Add((old, item));
                    Unindex(key, old);
                }
                else adds.Add(item);
                _items[key] = item;
                Index(key, item);
            }
            foreach (var key in _items.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                deletes.Add(_items[key]);
                Unindex(key, _items[key]);
                _items.Remove(key);
            }
            if (!string.IsNullOrEmpty(listRv))
                _resourceVersion = listRv;
            handlers = _handlers.ToArray();
        }
        foreach (var h in handlers)
        {
            foreach (var a in adds) Dispatch(() => h.OnAdd?.Invoke(a));
            foreach (var (o, n) in updates) Dispatch(() => h.OnUpdate?.Invoke(o, n));
            foreach (var d in deletes) Dispatch(() => h.OnDelete?.Invoke(d));
        }
    }

    private void Upsert(T obj)
    {
        var key = ObjectKey.Of(obj);
        T? old;
        InformerHandler<T>[] handlers;
        lock (_gate)
        {
            if (_items.TryGetValue(key, out old))
                Unindex(key, old);
            _items[key] = obj;
            Index(key, obj);
            if (obj.Metadata.ResourceVersion is { Length: > 0 } rv)
                _resourceVersion = rv;
            handlers = _handlers.ToArray();
        }
        foreach (var h in handlers)
        {
            if (old is null)
                Dispatch(() => h.OnAdd?.Invoke(obj));
            else
                Dispatch(() => h.OnUpdate?.Invoke(old, obj));
        }
    }

    private void Remove(T obj)
    {
        var key = ObjectKey.Of(obj);
        InformerHandler<T>[] handlers;
        lock (_gate)
        {
            if (_items.Remove(key, out var old))
                Unindex(key, old);
            if (obj.Metadata.ResourceVersion is { Length: > 0 } rv)
                _resourceVersion = rv;
            handlers = _handlers.ToArray();
        }
        foreach (var h in handlers)
            Dispatch(() => h.OnDelete?.Invoke(obj));
    }

    private void Dispatch(Action a)
    {
        try
        {
            a();
        }
        catch (Exception e)
        {
            // One failing handler must not stop the cache or the other handlers.
            LogHandlerFailed(_log, typeof(T).Name, e);
        }
    }

    private void Index(string key, T obj)
    {
        if (obj.Metadata.OwnerReferences is { } owners)
        {
            foreach (var o in owners)
                Add(_byOwner, o.Uid, key);
        }
        if (obj.Metadata.Labels is { } labels)
        {
            foreach (var (k, v) in labels)
                Add(_byLabel, (k, v), key);
        }
    }

    private void Unindex(string key, T obj)
    {
        if (obj.Metadata.OwnerReferences is { } owners)
        {
            foreach (var o in owners)
                RemoveFrom(_byOwner, o.Uid, key);
        }
        if (obj.Metadata.Labels is { } labels)
        {
            foreach (var (k, v) in labels)
                RemoveFrom(_byLabel, (k, v), key);
        }
    }

    private static void Add<TIndex>(Dictionary<TIndex, HashSet<string>> index, TIndex value, string key) where TIndex : notnull
    {
        if (!index.TryGetValue(value, out var set))
            index[value] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(key);
    }

    private static void RemoveFrom<TIndex>(Dictionary<TIndex, HashSet<string>> index, TIndex value, string key) where TIndex : notnull
    {
        if (index.TryGetValue(value, out var set) && set.Remove(key) && set.Count == 0)
            index.Remove(value);
    }

    private IReadOnlyList<T> FromIndex<TIndex>(Dictionary<TIndex, HashSet<string>> index, TIndex value) where TIndex : notnull
    {
        lock (_gate)
        {
            return index.TryGetValue(value, out var keys)
                ? keys.Select(k => _items[k]).ToList()
                : Array.Empty<T>();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} informer: resourceVersion expired, relisting")]
    private static partial void LogExpired(ILogger logger, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} informer: watch error {Code} {Message}, relisting")]
    private static partial void LogWatchError(ILogger logger, string kind, int code, string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} informer: retrying in {DelayMs:0} ms after: {Error}")]
    private static partial void LogRetry(ILogger logger, string kind, double delayMs, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} informer: an event handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, string kind, Exception exception);
}
