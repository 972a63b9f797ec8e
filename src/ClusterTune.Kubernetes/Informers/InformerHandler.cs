namespace ClusterTune.Kubernetes.Informers;

/// <summary>Callbacks for cache changes; they run on the informer's loop, so keep them short (enqueue a key).</summary>
public sealed record InformerHandler<T>(Action<T>? OnAdd = null, Action<T, T>? OnUpdate = null, Action<T>? OnDelete = null);
