using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// The one place the operator writes to the API: idempotent creates (409 AlreadyExists = done), status writes as
/// merge patches carrying the resourceVersion read (409 = re-read and re-plan), deletes that treat 404 as done.
/// Counts every write so the writes per trial can be measured. With <paramref name="caches"/>, a Trial it creates or
/// patches is read back as written until the watch delivers it (<see cref="CacheView{T}.Created"/>, <see cref="CacheView{T}.Wrote"/>).
/// </summary>
public sealed class ApiActions(IKubernetes client, EventRecorder recorder, OperatorCaches? caches = null)
{
    private long _writes;

    /// <summary>API writes made so far (creates, patches, deletes; events not included).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>The client, for reads that must bypass the informer cache.</summary>
    public IKubernetes Client => client;

    /// <summary>Creates <paramref name="obj"/>; false when it already existed (deterministic names make that "done").</summary>
    public async Task<bool> CreateAsync<T>(T obj, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Interlocked.Increment(ref _writes);
        try
        {
            var created = await client.CreateAsync(obj, ct);
            if (caches is not null && created is Trial trial)
            {
                caches.Trials.Created(trial);
            }

            return true;
        }
        catch (HttpOperationException e) when (e.IsAlreadyExists())
        {
            return false;
        }
    }

    /// <summary>Writes the smallest merge patch from <paramref name="before"/> to <paramref name="after"/>, guarded by the resourceVersion read; false when there was nothing to write.</summary>
    public async Task<bool> PatchAsync<T>(T before, T after, bool status, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var patch = MergePatch.Diff(before, after);
        patch.Remove("metadata");
        if (patch.Count == 0)
        {
            return false;
        }

        MergePatch.WithResourceVersion(patch, before.Metadata.ResourceVersion!);
        Interlocked.Increment(ref _writes);
        var written = status
            ? await client.PatchStatusAsync<T>(before.Metadata.Name!, patch, before.Metadata.NamespaceProperty, ct)
            : await client.MergePatchAsync<T>(before.Metadata.Name!, patch, before.Metadata.NamespaceProperty, ct);
        if (caches is not null && before is Trial replaced && written is Trial trial)
        {
            caches.Trials.Wrote(replaced, trial);
        }

        return true;
    }

    /// <summary>A raw merge patch (metadata changes such as finalizers), guarded by the object's resourceVersion.</summary>
    public async Task MergePatchAsync<T>(T obj, JsonObject patch, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        MergePatch.WithResourceVersion(patch, obj.Metadata.ResourceVersion!);
        Interlocked.Increment(ref _writes);
        await client.MergePatchAsync<T>(obj.Metadata.Name!, patch, obj.Metadata.NamespaceProperty, ct);
    }

    /// <summary>
    /// Sets one label with a merge patch and no resourceVersion precondition: setting a label to a value is the same
    /// whatever else changed meanwhile (a running pod's status changes often).
    /// </summary>
    public async Task LabelAsync<T>(T obj, string key, string value, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Interlocked.Increment(ref _writes);
        await client.MergePatchAsync<T>(obj.Metadata.Name!, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [key] = value } } },
            obj.Metadata.NamespaceProperty, ct);
    }

    /// <summary>Removes a finalizer with a JSON patch that tests the list first (fails with 422 if it moved).</summary>
    public async Task RemoveFinalizerAsync<T>(T obj, string finalizer, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var list = obj.Metadata.Finalizers ?? [];
        var i = list.IndexOf(finalizer);
        if (i < 0)
        {
            return;
        }

        Interlocked.Increment(ref _writes);
        await client.JsonPatchAsync<T>(obj.Metadata.Name!, new JsonPatch().Test($"/metadata/finalizers/{i}", finalizer).Remove($"/metadata/finalizers/{i}"),
            obj.Metadata.NamespaceProperty, ct);
    }

    /// <summary>Deletes an object; false when it was already gone.</summary>
    public async Task<bool> DeleteAsync<T>(string name, string? @namespace, long? gracePeriodSeconds, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Interlocked.Increment(ref _writes);
        try
        {
            await client.DeleteAsync<T>(name, @namespace, new V1DeleteOptions { GracePeriodSeconds = gracePeriodSeconds, PropagationPolicy = PropagationPolicies.Background }, ct);
            return true;
        }
        catch (HttpOperationException e) when (e.IsNotFound())
        {
            return false;
        }
    }

    /// <summary>Records planned events on the job or on a trial (best effort: a lost event never fails a reconcile).</summary>
    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> job, IReadOnlyList<PlannedEvent> events, Func<string, IKubernetesObject<V1ObjectMeta>?> trialByName, CancellationToken ct)
    {
        foreach (var e in events)
        {
            var target = e.TrialName is { } t ? trialByName(t) ?? job : job;
            await recorder.RecordAsync(target, e.Type, e.Reason, e.Message, ct);
        }
    }
}
