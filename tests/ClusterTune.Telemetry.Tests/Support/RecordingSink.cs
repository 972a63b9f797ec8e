using System.Collections.Concurrent;
using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Telemetry.Tests.Support;

/// <summary>An in-memory sink that keeps what it accepts, and can be switched to refuse (throttle/unavailable).</summary>
internal sealed class RecordingSink : ITrialMetricsSink
{
    public ConcurrentQueue<TrialMetricRecord> Records { get; } = new();

    public SinkWriteResult Answer { get; set; } = SinkWriteResult.Accepted;

    public int Calls;

    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<TrialMetricRecord> records, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        if (Answer.Status == SinkWriteStatus.Accepted)
        {
            foreach (var r in records)
            {
                Records.Enqueue(r);
            }
        }
        return ValueTask.FromResult(Answer);
    }
}
