using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;

namespace ClusterTune.Telemetry.Bench;

/// <summary>The sink shape the operator uses: accumulate, accept.</summary>
internal sealed class AccumulatorSink(ObservationAccumulator accumulator) : ITrialMetricsSink
{
    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<TrialMetricRecord> records, CancellationToken cancellationToken)
    {
        accumulator.Add(records);
        return ValueTask.FromResult(SinkWriteResult.Accepted);
    }
}
