using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Otlp;
using ClusterTune.Telemetry.Tests.Support;
using k8s.Models;

namespace ClusterTune.Telemetry.Tests.Observations;

public sealed class ObservationAccumulatorTests
{
    private static readonly TrialKey T = new("ns", "job", "job-t1");
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TrialMetricRecord Point(string metric, ulong time, double value, string? evalMetric = null, long? epoch = null, long? step = null,
        TrialKey? trial = null) =>
        new(trial ?? T, metric, "1", MetricPointKind.Gauge, OtlpAggregationTemporality.Unspecified, false,
            evalMetric is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [MetricAttributes.Metric] = evalMetric },
            0, time, value, null, step, epoch);

    private static TrialMetricRecord Epoch(ulong time, long epoch) => Point(MetricNames.TrainEpoch, time, epoch);

    private static TrialMetricRecord Acc(ulong time, double value, long? epoch = null) => Point(MetricNames.EvalMetric, time, value, "accuracy", epoch);

    private static TrialMetricRecord Tokens(ulong start, ulong time, double value, OtlpAggregationTemporality temporality = OtlpAggregationTemporality.Cumulative) =>
        new(T, "clustertune.train.tokens", "{token}", MetricPointKind.Sum, temporality, true, new Dictionary<string, string>(), start, time, value, null, null, null);

    private static ObservationAccumulator New(FakeTimeProvider? clock = null, ObservationOptions? options = null) =>
        new(_ => "accuracy", clock ?? new FakeTimeProvider(Start), options);

    public static TheoryData<string, TrialMetricRecord[][], (long Epoch, double Value, ulong Time)[]> RungCases => new()
    {
        { "in order", [[Epoch(10, 1), Acc(10, 0.5)], [Epoch(20, 2), Acc(20, 0.6)]], [(1, 0.5, 10), (2, 0.6, 20)] },
        { "periodic re-export keeps the latest time of the epoch",
            [[Epoch(10, 1), Acc(10, 0.5)], [Epoch(15, 1), Acc(15, 0.5)], [Epoch(20, 2), Acc(20, 0.6)]], [(1, 0.5, 15), (2, 0.6, 20)] },
        { "batches out of order", [[Acc(20, 0.6)], [Epoch(20, 2)], [Epoch(10, 1), Acc(10, 0.5)]], [(1, 0.5, 10), (2, 0.6, 20)] },
        { "eval lagging the epoch bump is corrected by the next export",
            [[Epoch(10, 1), Acc(10, 0.5)], [Epoch(20, 2), Acc(20, 0.5)], [Epoch(25, 2), Acc(25, 0.6)]], [(1, 0.5, 10), (2, 0.6, 25)] },
        { "epoch from the request pairing, no epoch series", [[Acc(10, 0.5, epoch: 1)], [Acc(20, 0.7, epoch: 2)]], [(1, 0.5, 10), (2, 0.7, 20)] },
        { "no epoch known yet", [[Acc(10, 0.5)]], [] },
        { "objective before the first epoch point", [[Acc(5, 0.1)], [Epoch(10, 1), Acc(10, 0.5)]], [(1, 0.5, 10)] },
        { "other eval metrics are not the objective", [[Epoch(10, 1), Point(MetricNames.EvalMetric, 10, 0.9, "loss")]], [] },
        { "NaN objective is no rung value", [[Epoch(10, 1), Acc(10, double.NaN)]], [] },
        { "duplicate re-sent batch changes nothing", [[Epoch(10, 1), Acc(10, 0.5)], [Epoch(10, 1), Acc(10, 0.5)]], [(1, 0.5, 10)] },
    };

    public static TheoryData<string, TrialMetricRecord[], bool> ObjectiveCases => new()
    {
        // case, one batch after a first batch [Epoch(10, 1), Acc(10, 0.5)], says new objective evidence
        { "a new objective point", [Epoch(20, 2), Acc(20, 0.6)], true },
        { "only the epoch moved", [Epoch(20, 2)], false },
        { "another eval metric", [Point(MetricNames.EvalMetric, 20, 0.9, "loss")], false },
        { "a training loss", [Point(MetricNames.TrainLoss, 20, 0.3)], false },
        { "the same objective point re-sent", [Acc(10, 0.5)], false },
        { "a NaN objective", [Acc(20, double.NaN)], false },
    };

    [Theory]
    [MemberData(nameof(ObjectiveCases))]
    public void AddTracked_says_when_a_new_objective_point_arrived(string name, TrialMetricRecord[] batch, bool objective)
    {
        var acc = New();
        Assert.True(acc.AddTracked([Epoch(10, 1), Acc(10, 0.5)]).Objective);
        Assert.True(objective == acc.AddTracked(batch).Objective, name);
    }

    [Fact]
    public void A_trial_is_drained_once_per_change_and_its_snapshot_stays()
    {
        var acc = New();
        Assert.Null(acc.GetSnapshot(T));
        acc.Add([Epoch(10, 1), Acc(10, 0.5)]);
        Assert.Equal([1L], Assert.Single(acc.DrainChanged()).Rungs.Select(r => r.Epoch));
        Assert.Empty(acc.DrainChanged());
        Assert.Equal([1L], acc.GetSnapshot(T)!.Rungs.Select(r => r.Epoch));
        acc.Add([Epoch(20, 2), Acc(20, 0.6)]);
        Assert.Equal([1L, 2L], Assert.Single(acc.DrainChanged()).Rungs.Select(r => r.Epoch));
    }

    [Theory]
    [MemberData(nameof(RungCases))]
    public void Rung_observations(string name, TrialMetricRecord[][] batches, (long Epoch, double Value, ulong Time)[] expected)
    {
        var acc = New();
        foreach (var b in batches)
        {
            acc.Add(b);
        }
        var rungs = acc.GetSnapshot(T)!.Rungs;
        Assert.True(expected.Length == rungs.Count, $"{name}: {string.Join(", ", rungs)}");
        Assert.Equal(expected, rungs.Select(r => (r.Epoch, r.Value, r.TimeUnixNano)));
    }

    [Fact]
    public void Rungs_convert_to_trial_status_observations_and_merge()
    {
        var acc = New();
        acc.Add([Epoch(1, 1), Point(MetricNames.EvalMetric, 1, 0.4, "accuracy", step: 10), Epoch(2, 2), Acc(2, double.NaN), Epoch(3, 3), Point(MetricNames.EvalMetric, 3, 0.7, "accuracy", step: 30)]);
        var observations = acc.GetSnapshot(T)!.ToObservations();
        Assert.Equal([(1, (long?)10, 0.4), (3, (long?)30, 0.7)], observations.Select(o => (o.Epoch, o.Step, o.Value)));
        var merged = ClusterTune.Api.V1Alpha1.TrialObservations.Merge(null, observations);
        Assert.Equal([1, 3], merged.Select(o => o.Epoch));
    }

    [Fact]
    public void Duplicates_are_counted_and_not_taken()
    {
        var acc = New();
        Assert.Equal(2, acc.Add([Point(MetricNames.TrainLoss, 10, 0.5), Point(MetricNames.TrainLoss, 20, 0.4)]));
        Assert.Equal(0, acc.Add([Point(MetricNames.TrainLoss, 10, 0.5), Point(MetricNames.TrainLoss, 20, 0.4)]));
        var s = acc.GetSnapshot(T)!;
        Assert.Equal((2L, 2L, 0.4), (s.PointsAccepted, s.Duplicates, s.LatestTrainLoss!.Value));
    }

    [Fact]
    public void Out_of_order_points_do_not_replace_latest_values()
    {
        var acc = New();
        acc.Add([Point(MetricNames.TrainLoss, 30, 0.2), Point(MetricNames.TrainStep, 30, 300), Point(MetricNames.EvalMetric, 30, 0.9, "f1")]);
        acc.Add([Point(MetricNames.TrainLoss, 10, 0.9), Point(MetricNames.TrainStep, 10, 100), Point(MetricNames.EvalMetric, 10, 0.1, "f1")]);
        var s = acc.GetSnapshot(T)!;
        Assert.Equal((0.2, 300L, 0.9, 3L, 30UL), (s.LatestTrainLoss!.Value, s.LatestStep!.Value, s.LatestEvalMetrics["f1"], s.OutOfOrder, s.LastPointTimeUnixNano));
    }

    public static TheoryData<string, TrialMetricRecord[], double, long> CounterCases => new()
    {
        { "steady cumulative", [Tokens(1, 10, 100), Tokens(1, 20, 200)], 200, 0 },
        { "start_time change is a reset", [Tokens(1, 10, 100), Tokens(1, 20, 200), Tokens(30, 40, 50)], 250, 1 },
        { "value going down is a reset", [Tokens(1, 10, 100), Tokens(1, 20, 30)], 130, 1 },
        { "two resets", [Tokens(1, 10, 100), Tokens(15, 20, 10), Tokens(25, 30, 5)], 115, 2 },
        { "late point from before the reset is ignored", [Tokens(1, 10, 100), Tokens(30, 40, 50), Tokens(1, 20, 200)], 150, 1 },
        { "delta sums add up", [Tokens(1, 10, 5, OtlpAggregationTemporality.Delta), Tokens(10, 20, 7, OtlpAggregationTemporality.Delta)], 12, 0 },
    };

    [Theory]
    [MemberData(nameof(CounterCases))]
    public void Counter_totals_survive_resets(string name, TrialMetricRecord[] points, double total, long resets)
    {
        var acc = New();
        acc.Add(points);
        var s = acc.GetSnapshot(T)!;
        Assert.True(total == s.CounterTotals["clustertune.train.tokens"], $"{name}: {s.CounterTotals["clustertune.train.tokens"]}");
        Assert.Equal(resets, s.CounterResets);
    }

    // A non-finite point is a bad point, not a verdict: whoever sent it (a broken exporter, or a forger with a
    // token) cannot change the objective, the rungs or the latest values.
    public static TheoryData<string, TrialMetricRecord[]> NonFiniteCases => new()
    {
        { "NaN train loss", [Point(MetricNames.TrainLoss, 10, 0.5, step: 6), Point(MetricNames.TrainLoss, 20, double.NaN, step: 7)] },
        { "+Inf objective", [Acc(10, 0.5), Acc(20, double.PositiveInfinity)] },
        { "-Inf eval loss", [Point(MetricNames.TrainLoss, 5, 0.4), Point(MetricNames.EvalMetric, 10, double.NegativeInfinity, "loss")] },
        { "NaN objective at a later time", [Acc(10, 0.5), Acc(30, double.NaN)] },
    };

    [Theory]
    [MemberData(nameof(NonFiniteCases))]
    public void Non_finite_points_leave_the_state_as_the_finite_points_made_it(string name, TrialMetricRecord[] points)
    {
        var all = New();
        all.Add(points);
        var finiteOnly = New();
        finiteOnly.Add(points.Where(p => p.IsFinite).ToArray());
        var (a, f) = (all.GetSnapshot(T), finiteOnly.GetSnapshot(T));
        Assert.True(a!.Rungs.SequenceEqual(f!.Rungs), name);
        Assert.True((a.LatestObjective, a.LatestTrainLoss, a.LatestEvalMetrics.Count) == (f.LatestObjective, f.LatestTrainLoss, f.LatestEvalMetrics.Count), name);
    }

    [Fact]
    public void Best_ignores_non_finite_and_follows_direction()
    {
        var acc = New();
        acc.Add([Epoch(1, 1), Acc(1, 0.4), Epoch(2, 2), Acc(2, double.NaN), Epoch(3, 3), Acc(3, 0.7), Epoch(4, 4), Acc(4, 0.2)]);
        var s = acc.GetSnapshot(T)!;
        Assert.Equal((0.7, 0.2), (s.Best(maximize: true)!.Value, s.Best(maximize: false)!.Value));
        Assert.Equal(0.2, s.LatestObjective);
        Assert.Null(New().GetSnapshot(T));
    }

    [Fact]
    public void Drain_changed_returns_each_changed_trial_once()
    {
        var acc = New();
        var t2 = T with { Trial = "job-t2" };
        acc.Add([Point(MetricNames.TrainLoss, 10, 1), Point(MetricNames.TrainLoss, 10, 1, trial: t2)]);
        Assert.Equal([T, t2], acc.DrainChanged().Select(s => s.Trial).OrderBy(t => t.Trial));
        Assert.Empty(acc.DrainChanged());
        acc.Add([Point(MetricNames.TrainLoss, 10, 1)]);
        Assert.Empty(acc.DrainChanged());
        acc.Add([Point(MetricNames.TrainLoss, 20, 1, trial: t2)]);
        Assert.Equal([t2], acc.DrainChanged().Select(s => s.Trial));
        Assert.True(acc.Remove(t2));
        Assert.Equal([T], acc.Trials);
    }

    [Fact]
    public void A_trial_is_drained_once_its_first_unwritten_point_is_old_enough_and_a_failed_write_is_owed_again()
    {
        var clock = new FakeTimeProvider(Start);
        var acc = New(clock);
        var t2 = T with { Trial = "job-t2" };
        var age = TimeSpan.FromSeconds(10);
        Assert.Null(acc.NextDue(age));
        acc.Add([Point(MetricNames.TrainLoss, 10, 1)]);
        clock.Advance(TimeSpan.FromSeconds(4));
        acc.Add([Point(MetricNames.TrainLoss, 10, 1, trial: t2), Point(MetricNames.TrainLoss, 20, 1)]);

        Assert.Empty(acc.DrainChanged(age));
        Assert.Equal(TimeSpan.FromSeconds(6), acc.NextDue(age)); // T's first point counts, not its latest
        Assert.Equal([t2], acc.DrainChanged(age, t => t == t2).Select(s => s.Trial)); // due now (its trial ended)
        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(TimeSpan.Zero, acc.NextDue(age));
        Assert.Equal([T], acc.DrainChanged(age).Select(s => s.Trial));
        Assert.Null(acc.NextDue(age));

        acc.MarkChanged(T);
        acc.MarkChanged(new TrialKey("ns", "job", "never-seen"));
        Assert.Equal(age, acc.NextDue(age));
        Assert.Equal(1, acc.PendingChanges);
    }

    [Fact]
    public void Silent_trials_are_found_by_the_injected_clock()
    {
        var clock = new FakeTimeProvider(Start);
        var acc = New(clock);
        var t2 = T with { Trial = "job-t2" };
        acc.Add([Point(MetricNames.TrainLoss, 10, 1)]);
        clock.Advance(TimeSpan.FromMinutes(4));
        acc.Add([Point(MetricNames.TrainLoss, 10, 1, trial: t2)]);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([T], acc.FindSilent(TimeSpan.FromMinutes(5)));
        Assert.Equal(Start.AddMinutes(4), acc.GetSnapshot(t2)!.LastReceived);
    }

    [Fact]
    public void Repeated_exports_are_compressed_so_early_rungs_survive_the_point_cap()
    {
        var acc = New(options: new ObservationOptions { MaxObjectivePointsPerTrial = 6 });
        ulong t = 0;
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            for (int i = 0; i < 50; i++)
            {
                t++;
                acc.Add([Epoch(t, epoch), Acc(t, epoch / 10.0)]);
            }
        }
        Assert.Equal([(1L, 0.1, 50UL), (2L, 0.2, 100UL), (3L, 0.3, 150UL)], acc.GetSnapshot(T)!.Rungs.Select(r => (r.Epoch, r.Value, r.TimeUnixNano)));
    }

    [Fact]
    public void Series_beyond_the_cap_are_ignored()
    {
        var acc = New(options: new ObservationOptions { MaxSeriesPerTrial = 3 });
        var points = Enumerable.Range(0, 10).Select(i => Point(MetricNames.EvalMetric, 10, i, "m" + i)).ToArray();
        Assert.Equal(3, acc.Add(points));
        Assert.Equal(3, acc.GetSnapshot(T)!.LatestEvalMetrics.Count);
    }

    [Fact]
    public void Objective_is_resolved_when_it_becomes_known()
    {
        string? objective = null;
        var acc = new ObservationAccumulator(_ => objective, new FakeTimeProvider(Start));
        acc.Add([Epoch(10, 1), Acc(10, 0.5)]);
        Assert.Empty(acc.GetSnapshot(T)!.Rungs);
        objective = "accuracy";
        acc.Add([Epoch(20, 2), Acc(20, 0.6)]);
        Assert.Equal([(2L, 0.6)], acc.GetSnapshot(T)!.Rungs.Select(r => (r.Epoch, r.Value)));
    }
}
