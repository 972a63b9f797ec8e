using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;

namespace ClusterTune.ControlPlane.Controllers;

/// <summary>
/// What kube-controller-manager would do for the embedded server: the garbage collector (dependents whose owners
/// are all gone are deleted; foregroundDeletion and orphan finalizers are processed) and the namespace controller
/// (a terminating namespace's content is deleted, then the namespace). Runs a pass after every relevant change.
/// </summary>
internal sealed class ClusterControllers : IAsyncDisposable
{
    private readonly Operations _ops;
    private readonly ObjectStore _store;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _pending;

    public ClusterControllers(Operations ops)
    {
        _ops = ops;
        _store = ops.Store;
        _store.Committed += OnCommitted;
        _loop = Task.Run(LoopAsync);
        Kick();
    }

    private void OnCommitted(StoredEvent e)
    {
        var meta = e.Object?["metadata"];
        if (e.Type == StoredEvent.Deleted || JsonUtil.Str(meta, "deletionTimestamp") is not null ||
            (e.Type == StoredEvent.Added && meta?["ownerReferences"] is JsonArray { Count: > 0 }))
        {
            Kick();
        }
    }

    private void Kick()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _wake.Release();
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(_stop.Token);
                // Coalesce bursts of changes into one pass.
                await Task.Delay(20, _stop.Token);
                Interlocked.Exchange(ref _pending, 0);
                // Writes made by the pass are committed events themselves and wake the next pass.
                RunPass();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One reconcile pass over everything; returns true when it changed something.</summary>
    internal bool RunPass()
    {
        var changed = false;
        var all = new List<(string StorageKey, string Key, JsonObject Obj)>();
        foreach (var storageKey in _store.StorageKeys())
        {
            foreach (var (key, obj) in _store.Items(storageKey, null))
            {
                all.Add((storageKey, key, obj));
            }
        }

        var dependentsByOwner = new Dictionary<string, List<(string StorageKey, string Key, JsonObject Obj)>>();
        foreach (var item in all)
        {
            if (item.Obj["metadata"]?["ownerReferences"] is not JsonArray refs)
            {
                continue;
            }

            foreach (var r in refs.OfType<JsonObject>())
            {
                if (JsonUtil.Str(r, "uid") is { } uid)
                {
                    if (!dependentsByOwner.TryGetValue(uid, out var list))
                    {
                        dependentsByOwner[uid] = list = new();
                    }

                    list.Add(item);
                }
            }
        }

        foreach (var (storageKey, key, obj) in all)
        {
            try
            {
                changed |= ReconcileObject(storageKey, key, obj, dependentsByOwner);
            }
            catch (ApiException)
            {
                // Raced with a client write; that write wakes the next pass.
            }
        }

        return changed;
    }

    private bool ReconcileObject(string storageKey, string key, JsonObject obj,
        Dictionary<string, List<(string StorageKey, string Key, JsonObject Obj)>> dependentsByOwner)
    {
        if (!ReferenceEquals(_store.Get(storageKey, key), obj))
        {
            // Changed since this pass took its snapshot (stored objects are replaced, never mutated); that write
            // woke another pass which sees the new state.
            return false;
        }

        var meta = (JsonObject)obj["metadata"]!;
        var uid = JsonUtil.Str(meta, "uid") ?? "";
        var type = _ops.Registry.ByStorageKey(storageKey);
        if (type is null)
        {
            return false;
        }

        var ns = JsonUtil.Str(meta, "namespace");
        var name = JsonUtil.Str(meta, "name")!;
        var deleting = JsonUtil.Str(meta, "deletionTimestamp") is not null;
        var finalizers = JsonUtil.StringList(meta["finalizers"]);
        dependentsByOwner.TryGetValue(uid, out var dependents);
        dependents ??= [];

        if (deleting && type.Group == "" && type.Plural == "namespaces")
        {
            return FinalizeNamespace(name);
        }

        if (deleting && finalizers.Contains(Operations.OrphanFinalizer))
        {
            foreach (var d in dependents)
            {
                RemoveOwnerRef(d.StorageKey, d.Obj, uid);
            }

            RemoveFinalizer(type, ns, name, Operations.OrphanFinalizer);
            return true;
        }

        if (deleting && finalizers.Contains(Operations.ForegroundFinalizer))
        {
            var blocking = dependents.Where(d => JsonUtil.Str(d.Obj["metadata"], "deletionTimestamp") is null).ToList();
            foreach (var d in blocking)
            {
                DeleteDependent(d.StorageKey, d.Obj, "Foreground");
            }

            if (dependents.Count == 0)
            {
                RemoveFinalizer(type, ns, name, Operations.ForegroundFinalizer);
                return true;
            }

            return blocking.Count > 0;
        }

        if (meta["ownerReferences"] is JsonArray refs && refs.Count > 0)
        {
            var owners = refs.OfType<JsonObject>().ToList();
            var alive = owners.Where(o => OwnerExists(o, ns)).ToList();
            if (alive.Count == 0 && !deleting)
            {
                // Background propagation: every owner is gone, so the dependent goes too.
                DeleteDependent(storageKey, obj, "Background");
                return true;
            }

            if (alive.Count < owners.Count)
            {
                foreach (var dead in owners.Except(alive))
                {
                    RemoveOwnerRef(storageKey, obj, JsonUtil.Str(dead, "uid")!);
                }

                return true;
            }
        }

        return false;
    }

    private bool OwnerExists(JsonObject ownerRef, string? dependentNs)
    {
        var uid = JsonUtil.Str(ownerRef, "uid");
        if (uid is null || _store.FindUid(uid) is not { } loc)
        {
            return false;
        }

        var owner = _store.Get(loc.StorageKey, loc.Key);
        var ownerNs = JsonUtil.Str(owner?["metadata"], "namespace");
        // Cross-namespace owner references are invalid and resolve as "owner absent".
        return owner is not null && (string.IsNullOrEmpty(ownerNs) || ownerNs == dependentNs);
    }

    private void DeleteDependent(string storageKey, JsonObject obj, string policy)
    {
        var type = _ops.Registry.ByStorageKey(storageKey);
        if (type is null)
        {
            return;
        }

        var meta = obj["metadata"]!;
        try
        {
            _ops.Delete(type, JsonUtil.Str(meta, "namespace"), JsonUtil.Str(meta, "name")!,
                new DeleteOptions(null, policy, JsonUtil.Str(meta, "uid"), null));
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Already gone or replaced by a new incarnation.
        }
    }

    private void RemoveOwnerRef(string storageKey, JsonObject obj, string ownerUid)
    {
        var type = _ops.Registry.ByStorageKey(storageKey);
        if (type is null || obj["metadata"]?["ownerReferences"] is not JsonArray refs)
        {
            return;
        }

        var kept = new JsonArray(refs.Where(r => JsonUtil.Str(r, "uid") != ownerUid).Select(r => r?.DeepClone()).ToArray());
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = kept.Count == 0 ? null : kept,
                ["resourceVersion"] = JsonUtil.Str(obj["metadata"], "resourceVersion"),
            },
        };
        try
        {
            _ops.Patch(type, JsonUtil.Str(obj["metadata"], "namespace"), JsonUtil.Str(obj["metadata"], "name")!,
                "application/merge-patch+json", patch.ToJsonString(), null, null);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Changed meanwhile; the next pass retries.
        }
    }

    private void RemoveFinalizer(ResourceType type, string? ns, string name, string finalizer)
    {
        lock (_store.Gate)
        {
            var current = _store.Get(type.StorageKey, ObjectStore.KeyOf(ns, name));
            if (current is null)
            {
                return;
            }

            var list = JsonUtil.StringList(current["metadata"]?["finalizers"]).Where(f => f != finalizer).ToList();
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["finalizers"] = list.Count == 0 ? null : new JsonArray(list.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
                    ["resourceVersion"] = JsonUtil.Str(current["metadata"], "resourceVersion"),
                },
            };
            _ops.Patch(type, ns, name, "application/merge-patch+json", patch.ToJsonString(), null, null);
        }
    }

    private bool FinalizeNamespace(string ns)
    {
        var remaining = 0;
        foreach (var storageKey in _store.StorageKeys())
        {
            var type = _ops.Registry.ByStorageKey(storageKey);
            if (type is null || !type.Namespaced)
            {
                continue;
            }

            foreach (var (_, obj) in _store.Items(storageKey, ns))
            {
                remaining++;
                if (JsonUtil.Str(obj["metadata"], "deletionTimestamp") is null)
                {
                    DeleteDependent(storageKey, obj, "Background");
                }
                else if (type.Group == "" && type.Plural == "pods" && JsonUtil.StringList(obj["metadata"]?["finalizers"]).Count == 0)
                {
                    // The namespace controller force-deletes pods once they are terminating.
                    try
                    {
                        _ops.Delete(type, ns, JsonUtil.Str(obj["metadata"], "name")!, new DeleteOptions(0, null, null, null));
                    }
                    catch (ApiException)
                    {
                        // Gone meanwhile.
                    }
                }
            }
        }

        if (remaining > 0)
        {
            return true;
        }

        var nsType = _ops.Registry.Get("", "v1", "namespaces");
        try
        {
            _ops.Finalize(nsType, ns, new JsonObject { ["spec"] = new JsonObject { ["finalizers"] = new JsonArray() } });
        }
        catch (ApiException)
        {
            // Gone meanwhile.
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _store.Committed -= OnCommitted;
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
        _wake.Dispose();
    }
}
