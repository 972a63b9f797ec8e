using ClusterTune.Kubernetes.Informers;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Hosting;
using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Operator.Ingestion;

/// <summary>
/// Where the OTLP receiver of every silo hands accepted points: to the grain of each point's job, by grain call,
/// wherever that grain lives. A request is taken only when every job's grain took its points (else 503 +
/// Retry-After, and the exporter sends it again: trainers export cumulative state, so nothing is lost).
/// </summary>
public sealed class GrainMetricsSink(OperatorRuntime runtime, IGrainFactory grains) : ITrialMetricsSink
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<TrialMetricRecord> records, CancellationToken cancellationToken)
    {
        if (!runtime.IsReady)
        {
            return SinkWriteResult.Unavailable(RetryAfter);
        }

        try
        {
            var calls = records.GroupBy(r => ObjectKey.Of(r.Trial.Namespace, r.Trial.Job))
                .Select(g => grains.GetGrain<IFineTuneJobGrain>(g.Key).Observe([.. g]));
            var taken = await Task.WhenAll(calls).WaitAsync(cancellationToken);
            return taken.All(t => t) ? SinkWriteResult.Accepted : SinkWriteResult.Unavailable(RetryAfter);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return SinkWriteResult.Unavailable(RetryAfter);
        }
    }
}
