using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Recording;
using ClusterTune.Operator.Controllers;
using ClusterTune.Operator.Ingestion;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Otlp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Ingestion;

public sealed class ObservationFlusherTests
{
    [Theory]
    [InlineData("10m", 150)] // the default: a quarter
    [InlineData("1h", 300)]  // at most 5 min
    [InlineData("1m", 30)]   // at least 30 s
    [InlineData("0s", 300)]  // no timeout: only for people reading the status
    [InlineData(null, 150)]  // defaulted to 10m
    public void The_heartbeat_is_rewritten_every_quarter_of_the_timeout_between_30_s_and_5_min(string? timeout, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ObservationFlusher.HeartbeatRefresh(Spec(s => s.RetryPolicy = new RetryPolicy { HeartbeatTimeout = timeout }).HeartbeatTimeout));

    private static TrialMetricRecord Point(TrialKey trial, string metric, ulong time, double value, string? evalMetric = null) =>
        new(trial, metric, "1", MetricPointKind.Gauge, OtlpAggregationTemporality.Unspecified, false,
            evalMetric is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [MetricAttributes.Metric] = evalMetric },
            0, time, value, null, null, null);

    // A flush drains the accumulator and writes the status, but the informer's copy of the trial shows that write only
    // later. A decision in between (the pod ended just then) must still see the points: before, it saw the stale cache,
    // called the termination message's epochs "recovered" (an event per trial in the scale bench) and planned on old rungs.
    [Fact]
    public void Decisions_see_the_points_also_between_a_flush_and_the_cache_catching_up()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var client = KubeConnection.Create(KubeConnection.ForServer(new Uri("http://127.0.0.1:1")));
        var caches = new OperatorCaches(client, "ns", time, NullLoggerFactory.Instance); // never started: Get finds nothing
        var accumulator = new ObservationAccumulator(_ => "accuracy", time);
        var flusher = new ObservationFlusher(accumulator, caches, new ApiActions(client, new EventRecorder(client, "test")),
            (_, _, _) => Task.CompletedTask, TimeSpan.FromSeconds(10), NullLogger.Instance);
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var key = new TrialKey(trial.Metadata.NamespaceProperty, trial.Spec.JobName, trial.Metadata.Name!);
        for (var e = 1; e <= 3; e++)
        {
            accumulator.Add([Point(key, MetricNames.TrainEpoch, (ulong)e * 10, e), Point(key, MetricNames.EvalMetric, (ulong)e * 10, 0.5 + e / 10.0, "accuracy")]);
        }

        Assert.Single(accumulator.DrainChanged()); // the flush took them; its write is not in the cache yet

        var seen = flusher.Observed(trial).Status!;
        Assert.Equal(3, seen.Epoch);
        Assert.Equal(0.8, seen.Objective);
        Assert.Equal([1, 2, 3], seen.Observations!.Select(o => o.Epoch));
    }
}
