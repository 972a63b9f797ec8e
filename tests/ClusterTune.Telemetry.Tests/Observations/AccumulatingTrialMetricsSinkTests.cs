using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Otlp;
using ClusterTune.Telemetry.Tests.Support;

namespace ClusterTune.Telemetry.Tests.Observations;

public sealed class AccumulatingTrialMetricsSinkTests
{
    private static TrialMetricRecord Loss(string trial, ulong time) =>
        new(new TrialKey("ns", "job", trial), MetricNames.TrainLoss, "1", MetricPointKind.Gauge, OtlpAggregationTemporality.Unspecified, false,
            new Dictionary<string, string>(), 0, time, 0.5, null, null, null);

    [Fact]
    public async Task Accepts_into_the_accumulator_then_throttles_until_the_writer_drains()
    {
        var acc = new ObservationAccumulator(_ => "accuracy", new ManualTimeProvider(DateTimeOffset.UnixEpoch));
        var sink = new AccumulatingTrialMetricsSink(acc, maxPendingChanges: 2, retryAfter: TimeSpan.FromSeconds(3));

        Assert.Equal(SinkWriteResult.Accepted, await sink.WriteAsync([Loss("t1", 1)], default));
        Assert.Equal(SinkWriteResult.Accepted, await sink.WriteAsync([Loss("t2", 1)], default));
        Assert.Equal(SinkWriteResult.Throttled(TimeSpan.FromSeconds(3)), await sink.WriteAsync([Loss("t3", 1)], default));
        Assert.Null(acc.GetSnapshot(new TrialKey("ns", "job", "t3")));

        Assert.Equal(2, acc.DrainChanged().Count);
        Assert.Equal(SinkWriteResult.Accepted, await sink.WriteAsync([Loss("t3", 1)], default));
        Assert.Equal(1, acc.PendingChanges);
    }

    [Fact]
    public async Task Not_accepting_is_unavailable_and_takes_nothing()
    {
        var acc = new ObservationAccumulator(_ => null, TimeProvider.System);
        bool leader = false;
        var sink = new AccumulatingTrialMetricsSink(acc, () => leader);
        Assert.Equal(SinkWriteStatus.Unavailable, (await sink.WriteAsync([Loss("t1", 1)], default)).Status);
        Assert.Empty(acc.Trials);
        leader = true;
        Assert.Equal(SinkWriteStatus.Accepted, (await sink.WriteAsync([Loss("t1", 1)], default)).Status);
        Assert.Single(acc.Trials);
    }

    [Theory]
    [InlineData(0, 5, "maxPendingChanges")]
    [InlineData(10, 0, "retryAfter")]
    public void Bad_settings_name_the_parameter(int maxPending, int retrySeconds, string parameter)
    {
        var acc = new ObservationAccumulator(_ => null, TimeProvider.System);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AccumulatingTrialMetricsSink(acc, null, maxPending, TimeSpan.FromSeconds(retrySeconds)));
        Assert.Equal(parameter, e.ParamName);
    }
}
