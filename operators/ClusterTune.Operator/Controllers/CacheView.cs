using ClusterTune.Kubernetes.Informers;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The reads of one resource over the informers of a silo's shard groups (<see cref="OperatorCaches"/>): usually one,
/// for a while after a membership change two or three. The groups watch disjoint shards, so a read is a union.
/// It also reads this silo's own writes before the watch delivers them (<see cref="Wrote"/>, what client-go's mutation
/// cache does): otherwise the next reconcile of an object plans on the version its last write replaced, and its write
/// is refused with 409 Conflict.
/// </summary>
public sealed class CacheView<T>(Func<IReadOnlyList<Informer<T>>> informers) where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    /// <summary>Above this many written objects not yet seen on the watch, the ones it caught up with are dropped.</summary>
    private const int WrittenCapacity = 1024;

    // key → (the resourceVersion the write replaced, the object as the write returned it).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Replaced, T Written)> _written = new(StringComparer.Ordinal);

    /// <summary>The informers behind the view now.</summary>
    public IReadOnlyList<Informer<T>> Informers => informers();

    /// <summary>The object with this key ("namespace/name"), or null.</summary>
    public T? Get(string key)
    {
        foreach (var i in informers())
        {
            if (i.Get(key) is { } found)
            {
                return _written.IsEmpty ? found : Newest(key, found);
            }
        }
        return null;
    }

    /// <summary>
    /// Records that this silo wrote <paramref name="written"/> over <paramref name="before"/>: reads return it while the
    /// cache still holds the version it replaced (and the cache's own again once the watch delivered that write or a
    /// later one).
    /// </summary>
    public void Wrote(T before, T written)
    {
        if (before.Metadata.ResourceVersion is not { } replaced || written.Metadata.ResourceVersion is null)
        {
            return;
        }

        if (_written.Count >= WrittenCapacity)
        {
            foreach (var (k, entry) in _written)
            {
                if (Cached(k)?.Metadata.ResourceVersion != entry.Replaced)
                {
                    _written.TryRemove(KeyValuePair.Create(k, entry));
                }
            }
        }

        // A write over a write the watch has not delivered either replaces what the cache still holds.
        var key = ObjectKey.Of(before);
        if (_written.TryGetValue(key, out var pending) && pending.Written.Metadata.ResourceVersion == replaced)
        {
            replaced = pending.Replaced;
        }

        _written[key] = (replaced, written);
    }

    private T? Cached(string key)
    {
        foreach (var i in informers())
        {
            if (i.Get(key) is { } found)
            {
                return found;
            }
        }
        return null;
    }

    // The written object while the cache holds the version it replaced; else the cache's (and the entry goes).
    private T Newest(string key, T cached)
    {
        if (!_written.TryGetValue(key, out var entry))
        {
            return cached;
        }

        if (cached.Metadata.ResourceVersion == entry.Replaced)
        {
            return entry.Written;
        }

        _written.TryRemove(KeyValuePair.Create(key, entry));
        return cached;
    }

    /// <summary>The object <paramref name="name"/> in <paramref name="namespace"/>, or null.</summary>
    public T? Get(string? @namespace, string name) => Get(ObjectKey.Of(@namespace, name));

    /// <summary>Every object cached.</summary>
    public IReadOnlyList<T> List() => Union(i => i.List());

    /// <summary>The objects with this controller owner UID.</summary>
    public IReadOnlyList<T> ListByOwner(string ownerUid) => Union(i => i.ListByOwner(ownerUid));

    /// <summary>The objects with this label.</summary>
    public IReadOnlyList<T> ListByLabel(string key, string value) => Union(i => i.ListByLabel(key, value));

    /// <summary>How many objects are cached.</summary>
    public int Count => informers().Sum(i => i.Count);

    /// <summary>Objects left out as undecodable.</summary>
    public int UndecodableCount => informers().Sum(i => i.UndecodableCount);

    private IReadOnlyList<T> Union(Func<Informer<T>, IReadOnlyList<T>> read)
    {
        var all = informers();
        if (all.Count == 1 && _written.IsEmpty)
        {
            return read(all[0]);
        }

        var result = new List<T>();
        foreach (var i in all)
        {
            result.AddRange(read(i));
        }

        if (!_written.IsEmpty)
        {
            for (var n = 0; n < result.Count; n++)
            {
                result[n] = Newest(ObjectKey.Of(result[n]), result[n]);
            }
        }
        return result;
    }
}
