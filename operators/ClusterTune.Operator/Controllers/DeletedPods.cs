using System.Collections.Concurrent;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The last state of recently deleted trial pods, as their DELETED watch events carried it. A pod the operator
/// SIGTERMs (a suspension, a stop) is removed by its node right after its terminated status is written, often before
/// a trial reconcile reads it from the cache; its result (the termination message: epoch, checkpoint, curve) then
/// survives here. The pod informers fill it just before a pod leaves their cache (<see cref="Kubernetes.Informers.Informer{T}.BeforeRemove"/>),
/// so a reconcile that no longer finds a pod in the cache finds it here. Bounded by count and age.
/// </summary>
public sealed class DeletedPods(TimeProvider time, int capacity = 1024, TimeSpan? maxAge = null)
{
    private readonly ConcurrentDictionary<string, (V1Pod Pod, DateTimeOffset At)> _pods = new(StringComparer.Ordinal);
    private readonly TimeSpan _maxAge = maxAge ?? TimeSpan.FromMinutes(10);

    /// <summary>
    /// Remembers a deleted pod's final state when it holds the pod's end. One deleted while it still ran
    /// (force-deleted, its node's last status lost) is gone, not terminating: remembering it would make a trial wait
    /// StuckTerminatingTimeout for an end that never comes.
    /// </summary>
    public void Add(V1Pod pod)
    {
        if (pod?.Metadata?.Name is not { } name || !PodOutcome.Of(pod).Ended)
        {
            return;
        }

        var now = time.GetUtcNow();
        _pods[Key(pod.Metadata.NamespaceProperty, name)] = (pod, now);
        if (_pods.Count > capacity)
        {
            // Down to 90 % at once, so the sort runs once per capacity/10 adds (it runs under the pod cache's lock,
            // see OperatorCaches), not on every add once full: a job's cleanup deletes all its pods together.
            foreach (var old in _pods.Where(p => now - p.Value.At > _maxAge).Select(p => p.Key).ToList())
            {
                _pods.TryRemove(old, out _);
            }

            foreach (var oldest in _pods.OrderBy(p => p.Value.At).Take(Math.Max(0, _pods.Count - capacity * 9 / 10)).Select(p => p.Key).ToList())
            {
                _pods.TryRemove(oldest, out _);
            }
        }
    }

    /// <summary>How many pods are remembered.</summary>
    public int Count => _pods.Count;

    /// <summary>The final state of the pod if it was deleted within the retention age.</summary>
    public V1Pod? Get(string? ns, string name) =>
        _pods.TryGetValue(Key(ns, name), out var e) && time.GetUtcNow() - e.At <= _maxAge ? e.Pod : null;

    private static string Key(string? ns, string name) => $"{ns}/{name}";
}
