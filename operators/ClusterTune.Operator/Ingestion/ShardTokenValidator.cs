using ClusterTune.Kubernetes.Informers;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Hosting;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Operator.Ingestion;

/// <summary>
/// The OTLP receiver's check of an export, on whichever silo it reached: against this silo's caches when they hold the
/// job's shard, else by a call to the job's grain, which lives where the shard is cached (<see cref="PodTokenValidator"/>
/// either way).
/// </summary>
public sealed class ShardTokenValidator(OperatorRuntime runtime, IGrainFactory grains) : ITrialTokenValidator
{
    private readonly PodTokenValidator _local = new(runtime.Caches);

    /// <inheritdoc />
    public ValueTask<TrialAuthorization> AuthorizeAsync(TrialKey trial, string? podName, string? token, CancellationToken cancellationToken) =>
        runtime.Caches.Covers(trial.Namespace, trial.Job) ? _local.AuthorizeAsync(trial, podName, token, cancellationToken)
        // No such job: answered here, so an export naming any job cannot make a silo activate a grain for it.
        : runtime.Caches.Jobs.Get(trial.Namespace, trial.Job) is null ? ValueTask.FromResult(TrialAuthorization.UnknownTrial)
        : new ValueTask<TrialAuthorization>(grains.GetGrain<IFineTuneJobGrain>(ObjectKey.Of(trial.Namespace, trial.Job)).Authorize(trial, podName, token).WaitAsync(cancellationToken));
}
