using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Otlp;
using static ClusterTune.Telemetry.Tests.Support.Pb;

namespace ClusterTune.Telemetry.Tests.Ingestion;

public sealed class PointNormalizerTests
{
    private static readonly TrialKey T = new("ns", "job", "job-t1");

    private static NormalizedBatch Normalize(byte[] body, TrialAuthorization auth = TrialAuthorization.Accepted, string? pod = null) =>
        PointNormalizer.Normalize(OtlpProtobufDecoder.Decode(body), new Dictionary<(TrialKey, string?), TrialAuthorization> { [(T, pod)] = auth });

    public static TheoryData<string, byte[], int, PointRejectionReason?, long> Cases => new()
    {
        { "finite gauge accepted", Gauge("clustertune.train.loss", DoublePoint(5, 0.3)), 1, null, 0 },
        // Non-finite points are rejected as points: a NaN objective must not be able to fail a trial.
        { "NaN gauge rejected", Gauge("clustertune.train.loss", DoublePoint(5, double.NaN)), 0, PointRejectionReason.NonFiniteValue, 0 },
        { "+Inf gauge rejected", Gauge("clustertune.eval.metric", DoublePoint(5, double.PositiveInfinity)), 0, PointRejectionReason.NonFiniteValue, 0 },
        { "-Inf gauge rejected", Gauge("clustertune.eval.metric", DoublePoint(5, double.NegativeInfinity)), 0, PointRejectionReason.NonFiniteValue, 0 },
        { "time_unix_nano 0 rejected", Gauge("clustertune.train.loss", DoublePoint(0, 0.3)), 0, PointRejectionReason.ZeroTimestamp, 0 },
        { "NaN sum rejected", Sum("tokens", 2, true, Cat(Fixed64(3, 5), Double(4, double.NaN))), 0, PointRejectionReason.NonFiniteValue, 0 },
        { "no value rejected", Gauge("g", Fixed64(3, 5)), 0, PointRejectionReason.MissingValue, 0 },
        { "NO_RECORDED_VALUE dropped", Gauge("g", Cat(Fixed64(3, 5), Double(4, 1), Varint(8, 1))), 0, null, 1 },
        { "exponential histogram dropped", Metric("e", "", 10, Len(1, Fixed64(3, 1))), 0, null, 1 },
        { "histogram NaN sum rejected", Metric("h", "s", 9, Len(1, Cat(Fixed64(3, 1), Double(5, double.NaN)))), 0, PointRejectionReason.NonFiniteValue, 0 },
        { "histogram accepted", Metric("h", "s", 9, Len(1, Cat(Fixed64(3, 1), Fixed64(4, 2), Double(5, 3)))), 1, null, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Point_validation(string name, byte[] metric, int accepted, PointRejectionReason? reason, long dropped)
    {
        var batch = Normalize(TrialRequest(T, metric));
        Assert.True(accepted == batch.Records.Count, name);
        Assert.Equal(reason is null ? 0 : 1, batch.Rejected);
        if (reason is { } r)
        {
            Assert.Equal(1, batch.Rejections[r]);
        }
        Assert.Equal(dropped, batch.Dropped);
    }

    [Theory]
    [InlineData(TrialAuthorization.UnknownTrial, PointRejectionReason.UnknownTrial, "unknown or finished")]
    [InlineData(TrialAuthorization.InvalidToken, PointRejectionReason.InvalidToken, "x-clustertune-token")]
    [InlineData(TrialAuthorization.PodMismatch, PointRejectionReason.PodMismatch, "does not belong")]
    public void Unauthorized_resources_reject_all_their_points(TrialAuthorization auth, PointRejectionReason reason, string message)
    {
        var batch = Normalize(TrialRequest(T, Gauge("a", DoublePoint(1, 1), DoublePoint(2, 2)), Gauge("b", DoublePoint(1, 1))), auth);
        Assert.Empty(batch.Records);
        Assert.Equal(3, batch.Rejections[reason]);
        Assert.Contains(message, PointNormalizer.Describe(batch, 3));
        Assert.StartsWith("rejected 3 of 3 data points", PointNormalizer.Describe(batch, 3));
    }

    [Fact]
    public void Missing_identity_attributes_are_named()
    {
        var body = Request(ResourceMetrics(Resource(("clustertune.job.name", "job")), ScopeMetrics("s", Gauge("g", DoublePoint(1, 1)))));
        var batch = Normalize(body);
        Assert.Equal(1, batch.Rejections[PointRejectionReason.MissingTrialAttributes]);
        var message = PointNormalizer.Describe(batch, 1)!;
        Assert.Contains("k8s.namespace.name, clustertune.trial.id", message);
        Assert.DoesNotContain("clustertune.job.name,", message);
    }

    [Fact]
    public void Step_and_epoch_pair_with_the_nearest_point_of_the_same_resource_earlier_on_ties()
    {
        var body = TrialRequest(T,
            Gauge("clustertune.train.step", DoublePoint(100, 40), DoublePoint(200, 80)),
            Gauge("clustertune.train.epoch", DoublePoint(200, 2)),
            Gauge("clustertune.eval.metric", DoublePoint(100, 0.5, ("metric", "accuracy")), DoublePoint(200, 0.7, ("metric", "accuracy")), DoublePoint(300, 0.8, ("metric", "accuracy")), DoublePoint(150, 0.6, ("metric", "accuracy"))));
        var evals = Normalize(body).Records.Where(r => r.Metric == "clustertune.eval.metric").ToList();
        Assert.Equal(new long?[] { 40, 80, 80, 40 }, evals.Select(r => r.Step));
        Assert.Equal(new long?[] { 2, 2, 2, 2 }, evals.Select(r => r.Epoch));

        var other = new TrialKey("ns", "job", "job-t2");
        var twoResources = Request(
            ResourceMetrics(Resource(("k8s.namespace.name", "ns"), ("clustertune.job.name", "job"), ("clustertune.trial.id", "job-t1")),
                ScopeMetrics("s", Gauge("clustertune.train.epoch", DoublePoint(100, 5)))),
            ResourceMetrics(Resource(("k8s.namespace.name", "ns"), ("clustertune.job.name", "job"), ("clustertune.trial.id", "job-t2")),
                ScopeMetrics("s", Gauge("clustertune.train.loss", DoublePoint(100, 0.1)))));
        var batch = PointNormalizer.Normalize(OtlpProtobufDecoder.Decode(twoResources), new Dictionary<(TrialKey, string?), TrialAuthorization>
        {
            [(T, null)] = TrialAuthorization.Accepted,
            [(other, null)] = TrialAuthorization.Accepted,
        });
        Assert.Null(batch.Records.Single(r => r.Trial == other).Epoch);
        Assert.All(evals, r => Assert.Equal(T, r.Trial));
        Assert.Equal("accuracy", evals[0].Attributes["metric"]);
    }

    [Fact]
    public void Records_carry_sum_shape_and_times()
    {
        var r = Normalize(TrialRequest(T, Sum("clustertune.train.tokens", 2, true, IntPoint(10, 20, 1234)))).Records.Single();
        Assert.Equal((MetricPointKind.Sum, OtlpAggregationTemporality.Cumulative, true, 10UL, 20UL, 1234.0, "{token}"),
            (r.Kind, r.Temporality, r.IsMonotonic, r.StartTimeUnixNano, r.TimeUnixNano, r.Value, r.Unit));
        Assert.Equal(DateTimeOffset.UnixEpoch, r.Time);
    }
}
