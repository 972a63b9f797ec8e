using System.Text.Json;
using k8s;
using k8s.Models;

namespace ClusterTune.Kubernetes.Informers;

/// <summary>The cache side of <see cref="Informer{T}"/>: replacing, upserting and removing objects, the indexes, and handler dispatch.</summary>
public sealed partial class Informer<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private void Replace(List<JsonElement> rawItems, string? listRv)
    {
        var items = new List<T>();
        var undecodable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in rawItems)
        {
            if (Decode(raw, out var key) is { } obj)
            {
                items.Add(obj);
            }
            else
            {
                undecodable.Add(key);
            }
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
                    {
                        updates.Add((old, item));
                    }

                    Unindex(key, old);
                }
                else
                {
                    adds.Add(item);
                }

                _items[key] = item;
                Index(key, item);
            }
            // Decoding cleared the keys that decode now; of the rest, only those still listed stay undecodable.
            foreach (var key in _undecodable.Keys.Where(k => !undecodable.Contains(k)).ToList())
            {
                _undecodable.Remove(key);
            }

            foreach (var key in _items.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                var gone = _items[key];
                if (BeforeRemove is { } before)
                {
                    Dispatch(() => before(gone));
                }

                deletes.Add(gone);
                Unindex(key, gone);
                _items.Remove(key);
            }
            if (!string.IsNullOrEmpty(listRv))
            {
                _resourceVersion = listRv;
            }

            handlers = _handlers.ToArray();
        }
        foreach (var h in handlers)
        {
            foreach (var a in adds)
            {
                Dispatch(() => h.OnAdd?.Invoke(a));
            }

            foreach (var (o, n) in updates)
            {
                Dispatch(() => h.OnUpdate?.Invoke(o, n));
            }

            foreach (var d in deletes)
            {
                Dispatch(() => h.OnDelete?.Invoke(d));
            }
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
            {
                Unindex(key, old);
            }

            _items[key] = obj;
            Index(key, obj);
            if (obj.Metadata.ResourceVersion is { Length: > 0 } rv)
            {
                _resourceVersion = rv;
            }

            handlers = _handlers.ToArray();
        }
        foreach (var h in handlers)
        {
            if (old is null)
            {
                Dispatch(() => h.OnAdd?.Invoke(obj));
            }
            else
            {
                Dispatch(() => h.OnUpdate?.Invoke(old, obj));
            }
        }
    }

    /// <summary>A deletion, or an update to a version that cannot be decoded: either way the key leaves the cache.</summary>
    private void Remove(JsonElement raw, bool deleted)
    {
        var meta = MetadataOf(raw);
        var key = ObjectKey.Of(meta?.NamespaceProperty, meta?.Name ?? "");
        // A deletion's event carries the object's final state (a pod's terminated status, say): what leaves the cache.
        var final = deleted && BeforeRemove is not null ? Decode(raw, out _) : null;
        T? old;
        InformerHandler<T>[] handlers;
        lock (_gate)
        {
            if (deleted)
            {
                _undecodable.Remove(key);
            }

            if (_items.TryGetValue(key, out old))
            {
                if (deleted && BeforeRemove is { } before)
                {
                    var gone = final ?? old;
                    Dispatch(() => before(gone));
                }

                _items.Remove(key);
                Unindex(key, old);
            }

            if (meta?.ResourceVersion is { Length: > 0 } rv)
            {
                _resourceVersion = rv;
            }

            handlers = _handlers.ToArray();
        }
        if (old is null)
        {
            return;
        }

        foreach (var h in handlers)
        {
            Dispatch(() => h.OnDelete?.Invoke(old));
        }
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
            {
                Add(_byOwner, o.Uid, key);
            }
        }
        if (obj.Metadata.Labels is { } labels)
        {
            foreach (var (k, v) in labels)
            {
                Add(_byLabel, (k, v), key);
            }
        }
    }

    private void Unindex(string key, T obj)
    {
        if (obj.Metadata.OwnerReferences is { } owners)
        {
            foreach (var o in owners)
            {
                RemoveFrom(_byOwner, o.Uid, key);
            }
        }
        if (obj.Metadata.Labels is { } labels)
        {
            foreach (var (k, v) in labels)
            {
                RemoveFrom(_byLabel, (k, v), key);
            }
        }
    }

    private static void Add<TIndex>(Dictionary<TIndex, HashSet<string>> index, TIndex value, string key) where TIndex : notnull
    {
        if (!index.TryGetValue(value, out var set))
        {
            index[value] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(key);
    }

    private static void RemoveFrom<TIndex>(Dictionary<TIndex, HashSet<string>> index, TIndex value, string key) where TIndex : notnull
    {
        if (index.TryGetValue(value, out var set) && set.Remove(key) && set.Count == 0)
        {
            index.Remove(value);
        }
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
}
