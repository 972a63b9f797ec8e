using System.Collections.Concurrent;
using ClusterTune.Kubernetes.Informers;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The reads of one resource over the informers of a silo's shard groups (<see cref="OperatorCaches"/>): usually one,
/// for a while after a membership change two or three. The groups watch disjoint shards, so a read is a union.
/// It also reads this silo's own creates and writes before the watch delivers them (<see cref="Created"/>,
/// <see cref="Wrote"/>; client-go's mutation cache and expectations do the same): otherwise a reconcile that runs again
/// at once plans on the version its last write replaced (its next write is refused with 409 Conflict), or does not see
/// the objects it just created and creates them again (a 409 each).
/// </summary>
public sealed class CacheView<T>(Func<IReadOnlyList<Informer<T>>> informers, TimeProvider time) where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    /// <summary>How long an object this silo created is read without the cache showing it (then it is the cache's word).</summary>
    public static readonly TimeSpan CreatedFor = TimeSpan.FromMinutes(1);

    /// <summary>Above this many own objects not yet seen on the watch, the ones it caught up with are dropped.</summary>
    private const int OwnCapacity = 1024;

    // key → the object as the API returned it, the resourceVersion the write replaced (null: a create) and when.
    private readonly ConcurrentDictionary<string, Own> _own = new(StringComparer.Ordinal);

    private sealed record Own(T Written, string? Replaced, DateTimeOffset At);

    /// <summary>The informers behind the view now.</summary>
    public IReadOnlyList<Informer<T>> Informers => informers();

    /// <summary>The object with this key ("namespace/name"), or null.</summary>
    public T? Get(string key)
    {
        var cached = Cached(key);
        return _own.IsEmpty ? cached : Newest(key, cached);
    }

    /// <summary>The object <paramref name="name"/> in <paramref name="namespace"/>, or null.</summary>
    public T? Get(string? @namespace, string name) => Get(ObjectKey.Of(@namespace, name));

    /// <summary>Every object cached.</summary>
    public IReadOnlyList<T> List() => Union(i => i.List(), _ => true);

    /// <summary>The objects with this owner UID.</summary>
    public IReadOnlyList<T> ListByOwner(string ownerUid) => Union(i => i.ListByOwner(ownerUid), o => o.Metadata.OwnerReferences?.Any(r => r.Uid == ownerUid) == true);

    /// <summary>The objects with this label.</summary>
    public IReadOnlyList<T> ListByLabel(string key, string value) =>
        Union(i => i.ListByLabel(key, value), o => o.Metadata.Labels?.TryGetValue(key, out var v) == true && v == value);

    /// <summary>How many objects are cached.</summary>
    public int Count => informers().Sum(i => i.Count);

    /// <summary>Objects left out as undecodable.</summary>
    public int UndecodableCount => informers().Sum(i => i.UndecodableCount);

    /// <summary>Records that this silo created <paramref name="created"/> (as the API returned it): reads include it until the cache does, for at most <see cref="CreatedFor"/>.</summary>
    public void Created(T created)
    {
        if (created.Metadata.ResourceVersion is not null)
        {
            Remember(ObjectKey.Of(created), new Own(created, null, time.GetUtcNow()));
        }
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

        // A write over an own object the watch has not delivered either replaces what the cache still holds (or nothing).
        var key = ObjectKey.Of(before);
        var own = _own.TryGetValue(key, out var pending) && pending.Written.Metadata.ResourceVersion == replaced
            ? pending with { Written = written }
            : new Own(written, replaced, time.GetUtcNow());
        Remember(key, own);
    }

    private void Remember(string key, Own own)
    {
        if (_own.Count >= OwnCapacity)
        {
            foreach (var k in _own.Keys)
            {
                _ = Newest(k, Cached(k));
            }
        }

        _own[key] = own;
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

    // Our own object while the cache holds the version it replaced (or, for a create, nothing yet); else the cache's,
    // and the entry goes.
    private T? Newest(string key, T? cached)
    {
        if (!_own.TryGetValue(key, out var own))
        {
            return cached;
        }

        if (own.Replaced is null ? cached is null && time.GetUtcNow() - own.At < CreatedFor : cached?.Metadata.ResourceVersion == own.Replaced)
        {
            return own.Written;
        }

        _own.TryRemove(KeyValuePair.Create(key, own));
        return cached;
    }

    private IReadOnlyList<T> Union(Func<Informer<T>, IReadOnlyList<T>> read, Func<T, bool> matches)
    {
        var all = informers();
        if (all.Count == 1 && _own.IsEmpty)
        {
            return read(all[0]);
        }

        var result = new List<T>();
        foreach (var i in all)
        {
            result.AddRange(read(i));
        }

        if (!_own.IsEmpty)
        {
            for (var n = 0; n < result.Count; n++)
            {
                result[n] = Newest(ObjectKey.Of(result[n]), result[n])!;
            }

            // Own creates the cache does not hold yet.
            foreach (var (key, own) in _own)
            {
                if (own.Replaced is null && matches(own.Written) && Cached(key) is null && Newest(key, null) is { } created)
                {
                    result.Add(created);
                }
            }
        }
        return result;
    }
}
