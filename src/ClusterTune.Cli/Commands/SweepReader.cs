using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>Reads a sweep's objects from one namespace: the job, its trials and pods (by label), and events by subject.</summary>
internal sealed class SweepReader(IKubernetes client, string ns)
{
    public Task<FineTuneJob?> TryGetJobAsync(string name, CancellationToken ct) => client.TryGetAsync<FineTuneJob>(name, ns, ct);

    public Task<Trial?> TryGetTrialAsync(string name, CancellationToken ct) => client.TryGetAsync<Trial>(name, ns, ct);

    public async Task<IReadOnlyList<FineTuneJob>> JobsAsync(CancellationToken ct) =>
        (await client.ListAllAsync<FineTuneJob>(ns, ct: ct)).OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>The job's trials, by index.</summary>
    public async Task<IReadOnlyList<Trial>> TrialsAsync(string job, CancellationToken ct) =>
        (await client.ListAllAsync<Trial>(ns, labelSelector: $"{LabelKeys.Job}={job}", ct: ct))
            .OrderBy(t => t.Spec.Index).ToList();

    /// <summary>All pods of the job's trials (every attempt still present).</summary>
    public async Task<IReadOnlyList<V1Pod>> PodsAsync(string job, CancellationToken ct) =>
        (await client.ListAllAsync<V1Pod>(ns, labelSelector: $"{LabelKeys.Job}={job}", ct: ct)).ToList();

    /// <summary>
    /// The events about one object, oldest first. Both the embedded server and kube-apiserver index
    /// involvedObject.kind and involvedObject.name, so this is one cheap filtered list.
    /// </summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string kind, string name, CancellationToken ct) =>
        (await client.ListAllAsync<Corev1Event>(ns, fieldSelector: $"involvedObject.kind={kind},involvedObject.name={name}", ct: ct))
            .OrderBy(EventTime).ToList();

    /// <summary>The events of a kind in the namespace (e.g. every Trial event), oldest first.</summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string kind, CancellationToken ct) =>
        (await client.ListAllAsync<Corev1Event>(ns, fieldSelector: $"involvedObject.kind={kind}", ct: ct))
            .OrderBy(EventTime).ToList();

    /// <summary>When an event last happened: lastTimestamp, else firstTimestamp, else its creation.</summary>
    public static DateTimeOffset EventTime(Corev1Event e) =>
        new(DateTime.SpecifyKind(e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp ?? DateTime.MinValue, DateTimeKind.Utc));
}
