using ClusterTune.Kubernetes.Informers;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Hosting;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Operator.Ingestion;

/// <summary>
/// The OTLP receiver's check of an export, on whichever silo it reached: against this silo's caches when they hold the
/// job's shard, else by a call to the job's grain, which lives where the shard is cached (<see cref="PodTokenValidator"/>
/// either way). The grain's acceptances are reused for a while (<see cref="AcceptedTokens"/>), so a steady trainer's
/// exports to a silo without its shard cost one grain call (the points), not two.
/// </summary>
public sealed class ShardTokenValidator(OperatorRuntime runtime, IGrainFactory grains) : ITrialTokenValidator
{
    private readonly PodTokenValidator _local = new(runtime.Caches);

    /// <summary>Acceptances by grains on other silos.</summary>
    public AcceptedTokens Accepted { get; } = new(runtime.Time);

    /// <inheritdoc />
    public ValueTask<TrialAuthorization> AuthorizeAsync(TrialKey trial, string? podName, string? token, CancellationToken cancellationToken) =>
        runtime.Caches.Covers(trial.Namespace, trial.Job) ? _local.AuthorizeAsync(trial, podName, token, cancellationToken)
        // No such job: answered here, so an export naming any job cannot make a silo activate a grain for it.
        : runtime.Caches.Jobs.Get(trial.Namespace, trial.Job) is null ? ValueTask.FromResult(TrialAuthorization.UnknownTrial)
        : token is not null && Accepted.Contains(trial, podName, token) ? ValueTask.FromResult(TrialAuthorization.Accepted)
        : AskGrainAsync(trial, podName, token, cancellationToken);

    private async ValueTask<TrialAuthorization> AskGrainAsync(TrialKey trial, string? podName, string? token, CancellationToken cancellationToken)
    {
        var answer = await grains.GetGrain<IFineTuneJobGrain>(ObjectKey.Of(trial.Namespace, trial.Job)).Authorize(trial, podName, token).WaitAsync(cancellationToken);
        if (answer == TrialAuthorization.Accepted && token is not null)
        {
            Accepted.Add(trial, podName, token);
        }

        return answer;
    }
}
