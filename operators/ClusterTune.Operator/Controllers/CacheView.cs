using ClusterTune.Kubernetes.Informers;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The reads of one resource over the informers of a silo's shard groups (<see cref="OperatorCaches"/>): usually one,
/// for a while after a membership change two or three. The groups watch disjoint shards, so a read is a union.
/// </summary>
public sealed class CacheView<T>(Func<IReadOnlyList<Informer<T>>> informers) where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    /// <summary>The informers behind the view now.</summary>
    public IReadOnlyList<Informer<T>> Informers => informers();

    /// <summary>The object with this key ("namespace/name"), or null.</summary>
    public T? Get(string key)
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
        if (all.Count == 1)
        {
            return read(all[0]);
        }

        var result = new List<T>();
        foreach (var i in all)
        {
            result.AddRange(read(i));
        }
        return result;
    }
}
