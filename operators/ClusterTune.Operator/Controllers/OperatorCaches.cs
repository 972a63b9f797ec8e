using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Operator.Controllers;

/// <summary>The informer caches the controllers read from: FineTuneJobs, Trials and ClusterTune's pods.</summary>
public sealed class OperatorCaches
{
    /// <summary>Creates the informers (not started: see <see cref="RunAsync"/>).</summary>
    public OperatorCaches(IKubernetes client, string? watchNamespace, TimeProvider time, ILoggerFactory loggers)
    {
        Jobs = new Informer<FineTuneJob>(client, new InformerOptions { Namespace = watchNamespace, TimeProvider = time }, loggers.CreateLogger("informer.finetunejobs"));
        Trials = new Informer<Trial>(client, new InformerOptions { Namespace = watchNamespace, TimeProvider = time }, loggers.CreateLogger("informer.trials"));
        Pods = new Informer<V1Pod>(client, new InformerOptions
        {
            Namespace = watchNamespace,
            LabelSelector = $"{LabelKeys.ManagedBy}={LabelKeys.ManagedByValue}",
            TimeProvider = time,
        }, loggers.CreateLogger("informer.pods"));
        DeletedPods = new DeletedPods(time);
        Pods.AddHandler(new InformerHandler<V1Pod>(OnDelete: DeletedPods.Add));
    }

    /// <summary>The final states of recently deleted pods (results that would otherwise be lost with the pod).</summary>
    public DeletedPods DeletedPods { get; }

    public Informer<FineTuneJob> Jobs { get; }
    public Informer<Trial> Trials { get; }
    public Informer<V1Pod> Pods { get; }

    /// <summary>The trials a job owns (by its label and its UID, so a re-created job never adopts old trials).</summary>
    public IReadOnlyList<Trial> TrialsOf(FineTuneJob job) =>
        Trials.ListByOwner(job.Metadata.Uid!).Where(t => t.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty).ToList();

    /// <summary>The pods of a job (every attempt of every trial).</summary>
    public IReadOnlyList<V1Pod> PodsOf(FineTuneJob job) =>
        Pods.ListByLabel(LabelKeys.Job, job.Metadata.Name!).Where(p => p.Metadata.NamespaceProperty == job.Metadata.NamespaceProperty).ToList();

    /// <summary>Runs the three informers until cancelled.</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(Jobs.RunAsync(ct), Trials.RunAsync(ct), Pods.RunAsync(ct));

    /// <summary>Waits until the three caches have listed once.</summary>
    public Task WaitForSyncAsync(CancellationToken ct) => Task.WhenAll(Jobs.WaitForSyncAsync(ct), Trials.WaitForSyncAsync(ct), Pods.WaitForSyncAsync(ct));
}
