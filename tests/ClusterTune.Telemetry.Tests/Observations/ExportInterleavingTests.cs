using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Otlp;
using ClusterTune.Telemetry.Tests.Support;
using static ClusterTune.Telemetry.Tests.Support.Pb;

namespace ClusterTune.Telemetry.Tests.Observations;

/// <summary>
/// A periodic export can fire between two Record calls of the trainer; the SDK stamps each metric of a collection a
/// few microseconds apart. Whatever the cut, receiver pairing plus the accumulator must yield one rung per epoch.
/// </summary>
public sealed class ExportInterleavingTests
{
    private static readonly TrialKey T = new("ns", "job", "job-t1");

    private static readonly (string Name, double Value, string? Metric)[] Recording =
    [
        (MetricNames.TrainLoss, 0.75, null),
        (MetricNames.EvalMetric, 0.625, "accuracy"),
        (MetricNames.EvalMetric, double.NaN, "loss"),
        (MetricNames.TrainEpoch, 2, null),
        (MetricNames.TrainStep, 120, null),
    ];

    private static IReadOnlyList<TrialMetricRecord> Export(int recorded, ulong baseTime, (string Name, double Value, string? Metric)[] recording)
    {
        var metrics = recording.Take(recorded).Select((m, i) => Gauge(m.Name, m.Metric is null
            ? DoublePoint(baseTime + (ulong)i * 7, m.Value)
            : DoublePoint(baseTime + (ulong)i * 7, m.Value, ("metric", m.Metric)))).ToArray();
        var request = OtlpProtobufDecoder.Decode(TrialRequest(T, metrics));
        return PointNormalizer.Normalize(request, new Dictionary<(TrialKey, string?), TrialAuthorization> { [(T, null)] = TrialAuthorization.Accepted }).Records;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void One_rung_whatever_the_cut_of_an_earlier_export(int cut)
    {
        var acc = new ObservationAccumulator(_ => "accuracy", TimeProvider.System);
        acc.Add(Export(cut, 1_000, Recording));
        acc.Add(Export(Recording.Length, 2_000, Recording));
        var rung = Assert.Single(acc.GetSnapshot(T)!.Rungs);
        Assert.Equal((2L, 0.625, 120L), (rung.Epoch, rung.Value, rung.Step!.Value));
    }

    [Fact]
    public void Previous_epoch_values_exported_after_the_epoch_bump_do_not_create_a_rung_for_the_old_epoch()
    {
        var acc = new ObservationAccumulator(_ => "accuracy", TimeProvider.System);
        var epoch1 = Recording.Select(m => m.Name == MetricNames.TrainEpoch ? (m.Name, 1.0, m.Metric) : m.Name == MetricNames.EvalMetric && m.Metric == "accuracy" ? (m.Name, 0.5, m.Metric) : m).ToArray();
        acc.Add(Export(epoch1.Length, 1_000, epoch1));
        acc.Add(Export(Recording.Length, 2_000, Recording));
        Assert.Equal([(1L, 0.5), (2L, 0.625)], acc.GetSnapshot(T)!.Rungs.Select(r => (r.Epoch, r.Value)));
    }
}
