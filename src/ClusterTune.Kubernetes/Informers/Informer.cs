using System.Text.Json;
using ClusterTune.Kubernetes.Queue;
using ClusterTune.Kubernetes.Retry;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Kubernetes.Informers;

/// <summary>
/// A list+watch cache (client-go's Reflector + Indexer): lists, then watches from the list's resourceVersion;
/// re-watches from the last seen version when a stream ends or drops; relists on 410/ERROR and diffs the cache
/// (emitting deletes missed while disconnected). Indexed by owner UID and by label. Cached objects are shared:
/// never mutate them. Each object is decoded on its own: one that does not fit <typeparamref name="T"/> is left out
/// of the cache and reported through <see cref="OnUndecodable"/>, and the others keep flowing.
/// </summary>
public sealed partial class Informer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubernetes _client;
    private readonly InformerOptions _options;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byOwner = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), HashSet<string>> _byLabel = new();
    private readonly List<InformerHandler<T>> _handlers = new();
    private readonly Dictionary<string, string> _undecodable = new(StringComparer.Ordinal); // key → resourceVersion reported
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _resourceVersion;
    private long _relists;
    private long _watches;
    private volatile bool _watchProgressed;

    /// <summary>Creates the informer (nothing runs until <see cref="RunAsync"/>).</summary>
    public Informer(IKubernetes client, InformerOptions? options = null, ILogger? logger = null)
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

    /// <summary>Called once per undecodable object version (on the informer's loop; keep it short).</summary>
    public Action<UndecodableObject>? OnUndecodable { get; set; }

    /// <summary>Objects currently left out of the cache because they could not be decoded.</summary>
    public int UndecodableCount
    {
        get
        {
            lock (_gate)
                return _undecodable.Count;
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
            DateTimeOffset? watchStarted = null;
            try
            {
                if (needList)
                {
                    await ListAndReplaceAsync(cancellationToken).ConfigureAwait(false);
                    needList = false;
                }
                var started = time.GetUtcNow();
                watchStarted = started;
                _watchProgressed = false;
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
            catch (Exception e) when (e.IsGone())
            {
                LogExpired(_log, typeof(T).Name);
                needList = true;
            }
            catch (Exception e)
            {
                // A watch that worked (delivered events, or ran over a second) and then broke is a reconnect, not a
                // failing server: like a clean close, it starts the backoff afresh instead of growing it.
                if (watchStarted is { } ws && (_watchProgressed || time.GetUtcNow() - ws > TimeSpan.FromSeconds(1)))
                    backoff.Reset();
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
        Interlocked.Increment(ref _watches);
        var outcome = WatchOutcome.Idle;
        try
        {
            await foreach (var (type, raw) in _client.WatchRawAsync<T>(_options.Namespace, LastResourceVersion, _options.LabelSelector,
                               _options.FieldSelector, timeout, ct).ConfigureAwait(false))
            {
                switch (type)
                {
                    case WatchEventType.Added:
                    case WatchEventType.Modified:
                        if (Decode(raw, out _) is { } obj)
                            Upsert(obj);
                        else
                            Remove(raw, deleted: false);
                        break;
                    case WatchEventType.Deleted:
                        Remove(raw, deleted: true);
                        break;
                    case WatchEventType.Bookmark:
                        if (ResourceVersionOf(raw) is { Length: > 0 } rv)
                        {
                            lock (_gate)
                                _resourceVersion = rv;
                        }
                        break;
                }
                outcome = WatchOutcome.Progress;
                _watchProgressed = true;
            }
        }
        catch (KubernetesException e)
        {
            // An ERROR event in the stream: 410 Expired, or anything else that leaves the stream unusable.
            if (e.Status?.Code == 410)
                LogExpired(_log, typeof(T).Name);
            else
                LogWatchError(_log, typeof(T).Name, e.Status?.Code ?? 0, e.Status?.Message ?? e.Message);
            return WatchOutcome.Expired;
        }
        return outcome;
    }

    private async Task ListAndReplaceAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _relists);
        // The first list may come from the watch cache ("0"). A relist only follows an expired watch, and it must be
        // a consistent read (no resourceVersion), as client-go does: on a real server a list at the old version with
        // a limit is an exact read from etcd history, which returns the stale snapshot whose watch expires again at
        // once. A 410 on a later page (its continue token compacted) ends in RunAsync, which lists again.
        var items = new List<JsonElement>();
        var listRv = await ListAllRawAsync(items, HasSynced ? null : "0", ct).ConfigureAwait(false);
        Replace(items, listRv);
        _synced.TrySetResult();
    }

    private async Task<string?> ListAllRawAsync(List<JsonElement> into, string? rv, CancellationToken ct)
    {
        int? limit = _options.PageSize > 0 ? _options.PageSize : null;
        string? next = null;
        string? listRv;
        do
        {
            // Pages after the first are read from the first page's snapshot; the continue token carries it.
            var page = await _client.ListRawAsync<T>(_options.Namespace, _options.LabelSelector, _options.FieldSelector, limit, next,
                next is null ? rv : null, ct).ConfigureAwait(false);
            into.AddRange(page.Items);
            listRv = page.ResourceVersion;
            next = page.Continue;
        }
        while (!string.IsNullOrEmpty(next));
        return listRv;
    }

    /// <summary>The typed object, or null after reporting it as undecodable; <paramref name="key"/> is its cache key either way.</summary>
    private T? Decode(JsonElement raw, out string key)
    {
        try
        {
            var obj = KubernetesJson.Deserialize<T>(raw);
            if (obj?.Metadata?.Name is { Length: > 0 })
            {
                // As client-go's informers are usually told to: managedFields are for server-side apply, not for a
                // controller's cache, and they are most of a cached object's memory (4.1x the JSON text with them).
                if (_options.StripManagedFields)
                    obj.Metadata.ManagedFields = null;
                key = ObjectKey.Of(obj);
                lock (_gate)
                    _undecodable.Remove(key);
                return obj;
            }
            key = Report(raw, "the object has no metadata.name");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or OverflowException or ArgumentException)
        {
            // Name the field: System.Text.Json knows the path even when a converter's message does not say it.
            var path = (e as JsonException)?.Path?.TrimStart('$', '.');
            key = Report(raw, string.IsNullOrEmpty(path) || e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }
        return null;
    }

    /// <summary>Records an undecodable object (telling <see cref="OnUndecodable"/> once per version); returns its key.</summary>
    private string Report(JsonElement raw, string error)
    {
        var meta = MetadataOf(raw);
        var key = ObjectKey.Of(meta?.NamespaceProperty, meta?.Name ?? "");
        var rv = meta?.ResourceVersion ?? "";
        lock (_gate)
        {
            if (_undecodable.TryGetValue(key, out var seen) && seen == rv)
                return key;
            _undecodable[key] = rv;
        }
        var resource = ApiResource.Of<T>();
        var reference = new V1ObjectReference
        {
            ApiVersion = resource.ApiVersion,
            Kind = resource.Kind,
            Name = meta?.Name,
            NamespaceProperty = meta?.NamespaceProperty,
            Uid = meta?.Uid,
            ResourceVersion = meta?.ResourceVersion,
        };
        LogUndecodable(_log, resource.Kind, key, error);
        Dispatch(() => OnUndecodable?.Invoke(new UndecodableObject(key, reference, error)));
        return key;
    }

    private static V1ObjectMeta? MetadataOf(JsonElement raw)
    {
        try
        {
            return raw.TryGetProperty("metadata", out var m) ? KubernetesJson.Deserialize<V1ObjectMeta>(m) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ResourceVersionOf(JsonElement raw) => MetadataOf(raw)?.ResourceVersion;

    private void Replace(List<JsonElement> rawItems, string? listRv)
    {
        var items = new List<T>();
        var undecodable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in rawItems)
        {
            if (Decode(raw, out var key) is { } obj)
                items.Add(obj);
            else
                undecodable.Add(key);
        }
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
            // Decoding cleared the keys that decode now; of the rest, only those still listed stay undecodable.
            foreach (var key in _undecodable.Keys.Where(k => !undecodable.Contains(k)).ToList())
                _undecodable.Remove(key);
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

    /// <summary>A deletion, or an update to a version that cannot be decoded: either way the key leaves the cache.</summary>
    private void Remove(JsonElement raw, bool deleted)
    {
        var meta = MetadataOf(raw);
        var key = ObjectKey.Of(meta?.NamespaceProperty, meta?.Name ?? "");
        T? old;
        InformerHandler<T>[] handlers;
        lock (_gate)
        {
            if (deleted)
                _undecodable.Remove(key);
            if (_items.Remove(key, out old))
                Unindex(key, old);
            if (meta?.ResourceVersion is { Length: > 0 } rv)
                _resourceVersion = rv;
            handlers = _handlers.ToArray();
        }
        if (old is null)
            return;
        foreach (var h in handlers)
            Dispatch(() => h.OnDelete?.Invoke(old));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} informer: {Key} cannot be decoded and is left out of the cache: {Error}")]
    private static partial void LogUndecodable(ILogger logger, string kind, string key, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} informer: an event handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, string kind, Exception exception);
}
