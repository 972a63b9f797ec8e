using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Storage;

/// <summary>
/// In-memory object store with one global resourceVersion and optional SQLite write-through. It models kube-apiserver's
/// two views of the past: the "etcd history" (the last N revisions' changes, read by exact lists and continue tokens;
/// older revisions are compacted and answer 410) and, when configured, a smaller "watch cache" window that watches are
/// served from (older starting points answer "too old resource version"). Without a watch cache, watches are served
/// from the etcd history, like a server run with --watch-cache=false. Stored objects are never mutated after storing;
/// every write replaces the instance. Callers hold <see cref="Gate"/> around read-modify-write sequences.
/// </summary>
internal sealed class ObjectStore : IDisposable
{
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _data = new();
    private readonly Dictionary<string, (string StorageKey, string Key)> _uids = new();
    private readonly LinkedList<StoredEvent> _log = new();
    private readonly List<WatchSubscription> _subscriptions = new();
    private readonly RevisionWindow _history;
    private readonly RevisionWindow? _watchCache;
    private readonly SqlitePersistence? _db;
    private readonly AsyncLocal<bool> _dryRun = new();
    private long _rv;

    public ObjectStore(int historySize, int? watchCacheSize, string? sqlitePath)
    {
        _history = new RevisionWindow(Math.Max(1, historySize));
        _watchCache = watchCacheSize is { } size ? new RevisionWindow(Math.Max(1, size)) : null;
        if (sqlitePath is not null)
        {
            _db = new SqlitePersistence(sqlitePath);
            foreach (var (storageKey, key, json) in _db.LoadAll())
            {
                var obj = JsonUtil.ParseObject(json, "stored object");
                Materialize(obj);
                Bucket(storageKey)[key] = obj;
                IndexUid(storageKey, key, obj);
                _rv = Math.Max(_rv, ParseRv(obj));
            }

            _rv = Math.Max(_rv, _db.LoadResourceVersion());
            _history.Reset(_rv);
            _watchCache?.Reset(_rv);
        }
    }

    public object Gate { get; } = new();

    /// <summary>Raised (under the gate) after every committed change; used to wake the garbage collector.</summary>
    public event Action<StoredEvent>? Committed;

    public long CurrentRv
    {
        get
        {
            lock (Gate)
            {
                return _rv;
            }
        }
    }

    /// <summary>Exact reads of revisions older than this answer 410 (the etcd compaction point).</summary>
    public long CompactedRv
    {
        get
        {
            lock (Gate)
            {
                return _history.StartRv;
            }
        }
    }

    /// <summary>Whether watches are served from a watch cache window of their own (else from the etcd history).</summary>
    public bool HasWatchCache => _watchCache is not null;

    /// <summary>Watches from resourceVersions older than this answer 410.</summary>
    public long WatchStartRv
    {
        get
        {
            lock (Gate)
            {
                return (_watchCache ?? _history).StartRv;
            }
        }
    }

    public static string KeyOf(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : $"{ns}/{name}";

    public static long ParseRv(JsonObject obj) =>
        long.TryParse(JsonUtil.Str(obj["metadata"], "resourceVersion"), NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    public IEnumerable<string> StorageKeys()
    {
        lock (Gate)
        {
            return _data.Keys.ToList();
        }
    }

    public JsonObject? Get(string storageKey, string key)
    {
        lock (Gate)
        {
            return _data.TryGetValue(storageKey, out var bucket) && bucket.TryGetValue(key, out var obj) ? obj : null;
        }
    }

    public (string StorageKey, string Key)? FindUid(string uid)
    {
        lock (Gate)
        {
            return _uids.TryGetValue(uid, out var loc) ? loc : null;
        }
    }

    /// <summary>Current items of a resource (optionally one namespace) in key order.</summary>
    public List<KeyValuePair<string, JsonObject>> Items(string storageKey, string? ns)
    {
        lock (Gate)
        {
            if (!_data.TryGetValue(storageKey, out var bucket))
            {
                return [];
            }

            return Filter(bucket, ns).ToList();
        }
    }

    /// <summary>The items as they were at <paramref name="rv"/>; null when that version was compacted away.</summary>
    public List<KeyValuePair<string, JsonObject>>? ItemsAt(string storageKey, string? ns, long rv)
    {
        lock (Gate)
        {
            if (rv < _history.StartRv)
            {
                return null;
            }

            var snapshot = _data.TryGetValue(storageKey, out var bucket)
                ? new SortedDictionary<string, JsonObject>(bucket, StringComparer.Ordinal)
                : new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            for (var node = _log.Last; node is not null && node.Value.Rv > rv; node = node.Previous)
            {
                var e = node.Value;
                if (e.StorageKey != storageKey)
                {
                    continue;
                }

                if (e.Type == StoredEvent.Added)
                {
                    snapshot.Remove(e.Key);
                }
                else if (e.Previous is not null)
                {
                    snapshot[e.Key] = e.Previous;
                }
            }

            return Filter(snapshot, ns).ToList();
        }
    }

    private static IEnumerable<KeyValuePair<string, JsonObject>> Filter(SortedDictionary<string, JsonObject> bucket, string? ns)
    {
        if (string.IsNullOrEmpty(ns))
        {
            return bucket;
        }

        var prefix = ns + "/";
        return bucket.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>
    /// True inside <see cref="BeginDryRun"/>: writes run every check but <see cref="Put"/> and <see cref="Remove"/>
    /// store nothing, publish no event and <see cref="NextRv"/> does not advance the global resourceVersion.
    /// </summary>
    public bool InDryRun => _dryRun.Value;

    /// <summary>Makes the writes of this flow (until disposed) dry runs. Call under <see cref="Gate"/>.</summary>
    public IDisposable BeginDryRun()
    {
        _dryRun.Value = true;
        return new DryRunScope(this);
    }

    private sealed class DryRunScope(ObjectStore store) : IDisposable
    {
        public void Dispose() => store._dryRun.Value = false;
    }

    /// <summary>Allocates the next resourceVersion. Call under <see cref="Gate"/> right before committing.</summary>
    public long NextRv() => InDryRun ? _rv + 1 : ++_rv;

    /// <summary>Stores a created or updated object (its resourceVersion already set) and publishes the event.</summary>
    public void Put(string storageKey, string key, JsonObject obj, JsonObject? previous)
    {
        if (InDryRun)
        {
            return;
        }

        Materialize(obj);
        var rv = ParseRv(obj);
        Bucket(storageKey)[key] = obj;
        IndexUid(storageKey, key, obj);
        _db?.Upsert(storageKey, key, obj.ToJsonString(), rv);
        Publish(new StoredEvent(rv, storageKey, key, previous is null ? StoredEvent.Added : StoredEvent.Modified, obj, previous));
    }

    /// <summary>Removes an object; <paramref name="lastState"/> carries the new resourceVersion of the deletion.</summary>
    public void Remove(string storageKey, string key, JsonObject lastState, JsonObject previous)
    {
        if (InDryRun)
        {
            return;
        }

        Materialize(lastState);
        var rv = ParseRv(lastState);
        if (_data.TryGetValue(storageKey, out var bucket))
        {
            bucket.Remove(key);
        }

        if (JsonUtil.Str(previous["metadata"], "uid") is { } uid)
        {
            _uids.Remove(uid);
        }

        _db?.Delete(storageKey, key, rv);
        Publish(new StoredEvent(rv, storageKey, key, StoredEvent.Deleted, lastState, previous));
    }

    private void Publish(StoredEvent e)
    {
        _log.AddLast(e);
        _history.Add(e.Rv);
        _watchCache?.Add(e.Rv);
        TrimLog();

        foreach (var sub in _subscriptions)
        {
            if (sub.StorageKey == e.StorageKey)
            {
                sub.Channel.Writer.TryWrite(e);
            }
        }

        Committed?.Invoke(e);
    }

    /// <summary>Drops the events neither the etcd history nor the watch cache still needs.</summary>
    private void TrimLog()
    {
        var keepAfter = Math.Min(_history.StartRv, (_watchCache ?? _history).StartRv);
        while (_log.First is { } first && first.Value.Rv <= keepAfter)
        {
            _log.RemoveFirst();
        }
    }

    /// <summary>
    /// Compacts the etcd history at the current revision: exact reads of anything older answer 410. Without a watch
    /// cache, watches from older versions answer 410 too; a watch cache keeps serving its window.
    /// </summary>
    public void Compact()
    {
        lock (Gate)
        {
            _history.Reset(_rv);
            TrimLog();
        }
    }

    /// <summary>Empties the watch cache window (as after the cache fell behind and was re-initialized).</summary>
    public void CompactWatchCache()
    {
        lock (Gate)
        {
            if (_watchCache is null)
            {
                throw new InvalidOperationException("the store has no watch cache: set EmbeddedApiServerOptions.WatchCacheSize to model one");
            }

            _watchCache.Reset(_rv);
            TrimLog();
        }
    }

    /// <summary>The last <c>size</c> revisions of a view of the past; <see cref="StartRv"/> is the newest one dropped.</summary>
    private sealed class RevisionWindow(int size)
    {
        private readonly Queue<long> _rvs = new();

        public long StartRv { get; private set; }

        public void Add(long rv)
        {
            _rvs.Enqueue(rv);
            if (_rvs.Count > size)
            {
                StartRv = _rvs.Dequeue();
            }
        }

        public void Reset(long rv)
        {
            _rvs.Clear();
            StartRv = rv;
        }
    }

    /// <summary>
    /// Registers a watch. With <paramref name="fromRv"/> null, the current objects are queued as synthetic ADDED
    /// events (followed, with <paramref name="initialEventsEnd"/>, by the bookmark that marks their end); otherwise
    /// the retained events after it are replayed. Returns null when fromRv is older than the watch window.
    /// </summary>
    public WatchSubscription? Subscribe(string storageKey, string? ns, long? fromRv, bool initialEventsEnd = false)
    {
        lock (Gate)
        {
            if (fromRv is { } from && from < (_watchCache ?? _history).StartRv)
            {
                return null;
            }

            var sub = new WatchSubscription(storageKey, ns);
            if (fromRv is null)
            {
                if (_data.TryGetValue(storageKey, out var bucket))
                {
                    foreach (var (key, obj) in Filter(bucket, ns))
                    {
                        sub.Channel.Writer.TryWrite(new StoredEvent(ParseRv(obj), storageKey, key, StoredEvent.Added, obj, null));
                    }
                }

                if (initialEventsEnd)
                {
                    sub.Channel.Writer.TryWrite(new StoredEvent(_rv, storageKey, "", StoredEvent.Bookmark, null, null) { InitialEventsEnd = true });
                }
            }
            else
            {
                foreach (var e in _log)
                {
                    if (e.Rv > fromRv && e.StorageKey == storageKey)
                    {
                        sub.Channel.Writer.TryWrite(e);
                    }
                }
            }

            _subscriptions.Add(sub);
            sub.OnDispose = s =>
            {
                lock (Gate)
                {
                    _subscriptions.Remove(s);
                }
            };
            return sub;
        }
    }

    /// <summary>Queues a bookmark carrying the current resourceVersion behind every event already queued.</summary>
    public void QueueBookmark(WatchSubscription sub)
    {
        lock (Gate)
        {
            sub.Channel.Writer.TryWrite(new StoredEvent(_rv, sub.StorageKey, "", StoredEvent.Bookmark, null, null));
        }
    }

    public List<WatchSubscription> Subscriptions()
    {
        lock (Gate)
        {
            return _subscriptions.ToList();
        }
    }

    private SortedDictionary<string, JsonObject> Bucket(string storageKey)
    {
        if (!_data.TryGetValue(storageKey, out var bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _data[storageKey] = bucket;
        }

        return bucket;
    }

    private void IndexUid(string storageKey, string key, JsonObject obj)
    {
        if (JsonUtil.Str(obj["metadata"], "uid") is { } uid)
        {
            _uids[uid] = (storageKey, key);
        }
    }

    private static void Materialize(JsonNode? node) => JsonUtil.Materialize(node);

    public void Dispose() => _db?.Dispose();
}
