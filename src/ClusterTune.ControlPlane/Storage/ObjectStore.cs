using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Storage;

/// <summary>
/// In-memory object store with one global resourceVersion, a bounded window of retained events (older versions are
/// "compacted" and answer 410) and optional SQLite write-through. Stored objects are never mutated after storing;
/// every write replaces the instance. Callers hold <see cref="Gate"/> around read-modify-write sequences.
/// </summary>
internal sealed class ObjectStore : IDisposable
{
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _data = new();
    private readonly Dictionary<string, (string StorageKey, string Key)> _uids = new();
    private readonly LinkedList<StoredEvent> _log = new();
    private readonly List<WatchSubscription> _subscriptions = new();
    private readonly int _window;
    private readonly SqlitePersistence? _db;
    private readonly AsyncLocal<bool> _dryRun = new();
    private long _rv;
    private long _compactedRv;

    public ObjectStore(int window, string? sqlitePath)
    {
        _window = Math.Max(1, window);
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
            _compactedRv = _rv;
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

    public long CompactedRv
    {
        get
        {
            lock (Gate)
            {
                return _compactedRv;
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
            if (rv < _compactedRv)
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
        while (_log.Count > _window)
        {
            _compactedRv = _log.First!.Value.Rv;
            _log.RemoveFirst();
        }

        foreach (var sub in _subscriptions)
        {
            if (sub.StorageKey == e.StorageKey)
            {
                sub.Channel.Writer.TryWrite(e);
            }
        }

        Committed?.Invoke(e);
    }

    /// <summary>Forgets all retained events (everything before now answers 410), like an etcd compaction.</summary>
    public void Compact()
    {
        lock (Gate)
        {
            _log.Clear();
            _compactedRv = _rv;
        }
    }

    /// <summary>
    /// Registers a watch. With <paramref name="fromRv"/> null, the current objects are queued as synthetic ADDED
    /// events; otherwise the retained events after it are replayed. Returns null when fromRv was compacted.
    /// </summary>
    public WatchSubscription? Subscribe(string storageKey, string? ns, long? fromRv)
    {
        lock (Gate)
        {
            if (fromRv is { } from && from < _compactedRv)
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
