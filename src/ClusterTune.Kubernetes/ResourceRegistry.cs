using System.Collections.Concurrent;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes.Models;

namespace ClusterTune.Kubernetes;

/// <summary>Maps C# types to their API resource; core types are pre-registered, CRD types join with Register.</summary>
public sealed class ResourceRegistry
{
    private readonly ConcurrentDictionary<Type, ResourceInfo> _byType = new();

    /// <summary>A registry holding Pod, Event, Lease, Namespace, Node, Binding and ClusterTune's FineTuneJob and Trial.</summary>
    public static ResourceRegistry CreateDefault()
    {
        var r = new ResourceRegistry();
        r.Register<Pod>(new ResourceInfo("", "v1", "Pod", "pods", Namespaced: true));
        r.Register<Event>(new ResourceInfo("", "v1", "Event", "events", Namespaced: true));
        r.Register<Lease>(new ResourceInfo("coordination.k8s.io", "v1", "Lease", "leases", Namespaced: true));
        r.Register<Namespace>(new ResourceInfo("", "v1", "Namespace", "namespaces", Namespaced: false));
        r.Register<Node>(new ResourceInfo("", "v1", "Node", "nodes", Namespaced: false));
        r.Register<Binding>(new ResourceInfo("", "v1", "Binding", "bindings", Namespaced: true));
        // Our own CRDs are modelled completely, so they alone may be replaced with PUT.
        r.Register<FineTuneJob>(new ResourceInfo(ApiGroup.Group, ApiGroup.Version, FineTuneJob.KindName, FineTuneJob.Plural, Namespaced: true, FullyModelled: true));
        r.Register<Trial>(new ResourceInfo(ApiGroup.Group, ApiGroup.Version, Trial.KindName, Trial.Plural, Namespaced: true, FullyModelled: true));
        return r;
    }

    /// <summary>Adds or replaces the mapping for <typeparamref name="T"/>.</summary>
    public void Register<T>(ResourceInfo info) => _byType[typeof(T)] = info ?? throw new ArgumentNullException(nameof(info));

    /// <summary>The mapping for <typeparamref name="T"/>, or a clear error saying how to register it.</summary>
    public ResourceInfo Get<T>() => Get(typeof(T));

    /// <summary>The mapping for a type, or a clear error saying how to register it.</summary>
    public ResourceInfo Get(Type type) =>
        _byType.TryGetValue(type, out var info)
            ? info
            : throw new InvalidOperationException(
                $"{type.Name} is not a registered Kubernetes resource: call registry.Register<{type.Name}>(new ResourceInfo(group, version, kind, plural, namespaced)).");

    /// <summary>True when <typeparamref name="T"/> is registered.</summary>
    public bool TryGet<T>(out ResourceInfo info) => _byType.TryGetValue(typeof(T), out info!);

    /// <summary>All registered mappings.</summary>
    public IReadOnlyCollection<KeyValuePair<Type, ResourceInfo>> All => _byType.ToArray();
}
