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
            {
                return _resourceVersion;
            }
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
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Called once per undecodable object version (on the informer's loop; keep it short).</summary>
    public Action<UndecodableObject>? OnUndecodable { get; set; }

    /// <summary>
    /// Called with a deleted object's final state (the DELETED event's object; for an object a relist no longer shows,
    /// the last one cached) under the cache's lock, just before it leaves the cache. A tombstone store filled here is
    /// never behind the cache: a reader that no longer finds the object in the cache finds it there. Handlers' OnDelete
    /// run after the removal, so a store they fill leaves a window in which the object is in neither. Must be quick and
    /// must not wait on anything. Set it before <see cref="RunAsync"/>.
    /// </summary>
    public Action<T>? BeforeRemove { get; set; }

    /// <summary>Objects currently left out of the cache because they could not be decoded.</summary>
    public int UndecodableCount
    {
        get
        {
            lock (_gate)
            {
                return _undecodable.Count;
            }
        }
    }

    /// <summary>Registers callbacks; register before <see cref="RunAsync"/> to see the initial adds.</summary>
    public void AddHandler(InformerHandler<T> handler)
    {
        lock (_gate)
        {
            _handlers.Add(handler);
        }
    }

    /// <summary>Feeds every add/update/delete into a work queue as the key <paramref name="keyOf"/> returns (default: the object's own key; null skips).</summary>
    public void EnqueueTo(WorkQueue<string> queue, Func<T, string?>? keyOf = null)
    {
        keyOf ??= ObjectKey.Of;
        void Enqueue(T o)
        {
            if (keyOf(o) is { } k)
            {
                queue.Add(k);
            }
        }
        AddHandler(new InformerHandler<T>(Enqueue, (_, n) => Enqueue(n), Enqueue));
    }

    /// <summary>Waits until the first list is in the cache.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    public T? Get(string key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public T? Get(string? @namespace, string name) => Get(ObjectKey.Of(@namespace, name));

    public IReadOnlyList<T> List()
    {
        lock (_gate)
        {
            return _items.Values.ToList();
        }
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
                {
                    backoff.Reset();
                }

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
        {
            r = _options.Random.NextDouble();
        }

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
                        {
                            Upsert(obj);
                        }
                        else
                        {
                            Remove(raw, deleted: false);
                        }

                        break;
                    case WatchEventType.Deleted:
                        Remove(raw, deleted: true);
                        break;
                    case WatchEventType.Bookmark:
                        if (ResourceVersionOf(raw) is { Length: > 0 } rv)
                        {
                            lock (_gate)
                            {
                                _resourceVersion = rv;
                            }
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
            {
                LogExpired(_log, typeof(T).Name);
            }
            else
            {
                LogWatchError(_log, typeof(T).Name, e.Status?.Code ?? 0, e.Status?.Message ?? e.Message);
            }

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
                {
                    obj.Metadata.ManagedFields = null;
                }

                key = ObjectKey.Of(obj);
                lock (_gate)
                {
                    _undecodable.Remove(key);
                }

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
            {
                return key;
            }

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
