using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Telemetry.Observations;

/// <summary>
/// A ready <see cref="ITrialMetricsSink"/>: feeds an <see cref="ObservationAccumulator"/>, answers Unavailable (503)
/// while this replica should not ingest (e.g. not the leader), and Throttled (429) while more trials await a status
/// write than the writer keeps up with.
/// </summary>
public sealed class AccumulatingTrialMetricsSink : ITrialMetricsSink
{
    private readonly ObservationAccumulator _accumulator;
    private readonly Func<bool> _accepting;
    private readonly int _maxPendingChanges;
    private readonly TimeSpan _retryAfter;

    /// <summary>Creates the sink.</summary>
    /// <param name="accumulator">Where accepted records go.</param>
    /// <param name="accepting">Whether this replica ingests now (null: always).</param>
    /// <param name="maxPendingChanges">Trials awaiting a status write beyond which requests are throttled.</param>
    /// <param name="retryAfter">Retry-After for refusals (null: 5 s).</param>
    public AccumulatingTrialMetricsSink(ObservationAccumulator accumulator, Func<bool>? accepting = null, int maxPendingChanges = 10_000, TimeSpan? retryAfter = null)
    {
        _accumulator = accumulator ?? throw new ArgumentNullException(nameof(accumulator));
        _accepting = accepting ?? (() => true);
        if (maxPendingChanges < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPendingChanges), maxPendingChanges, "maxPendingChanges must be ≥ 1 (e.g. 10000)");
        }
        _maxPendingChanges = maxPendingChanges;
        _retryAfter = retryAfter ?? TimeSpan.FromSeconds(5);
        if (_retryAfter <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "retryAfter must be positive (e.g. 5 s)");
        }
    }

    /// <inheritdoc />
    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<TrialMetricRecord> records, CancellationToken cancellationToken)
    {
        if (!_accepting())
        {
            return ValueTask.FromResult(SinkWriteResult.Unavailable(_retryAfter));
        }
        if (_accumulator.PendingChanges >= _maxPendingChanges)
        {
            return ValueTask.FromResult(SinkWriteResult.Throttled(_retryAfter));
        }
        _accumulator.Add(records);
        return ValueTask.FromResult(SinkWriteResult.Accepted);
    }
}
