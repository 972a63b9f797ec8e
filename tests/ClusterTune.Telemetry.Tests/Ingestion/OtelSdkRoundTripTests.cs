using System.Diagnostics.Metrics;
using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Prometheus;
using ClusterTune.Telemetry.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ClusterTune.Telemetry.Tests.Ingestion;

/// <summary>The real OpenTelemetry .NET SDK with its OTLP HTTP/protobuf exporter, exporting to our receiver on Kestrel.</summary>
public sealed class OtelSdkRoundTripTests
{
    private static readonly TrialKey T = new("team-a", "sweep-1", "sweep-1-t3");

    private static MeterProvider Provider(string meterName, Uri endpoint, string token) =>
        Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(ResourceAttributes.TrainerServiceName).AddAttributes(new Dictionary<string, object>
            {
                [ResourceAttributes.K8sNamespaceName] = T.Namespace,
                [ResourceAttributes.JobName] = T.Job,
                [ResourceAttributes.TrialName] = T.Trial,
                [ResourceAttributes.K8sPodName] = "sweep-1-t3-pod",
                [ResourceAttributes.TrialIndex] = 3L,
                [ResourceAttributes.ParamPrefix + "lrFactor"] = 0.1,
            }))
            .AddMeter(meterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = endpoint;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                exporter.Headers = $"{TrialEnv.TokenHeader}={token}";
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 250;
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build()!;

    [Fact]
    public async Task Sdk_export_reaches_the_sink_with_names_values_resource_and_epoch_pairing()
    {
        var sink = new RecordingSink();
        var validator = new InMemoryTrialTokenValidator();
        validator.Register(T, "tok-123", "sweep-1-t3-pod");
        var metrics = new ClusterTuneMetrics(new MetricRegistry());
        await using var host = await ReceiverHost.StartAsync(new OtlpMetricsReceiver(validator, sink, observer: metrics));
        string meterName = "clustertune.test." + Guid.NewGuid().ToString("N");

        using (var provider = Provider(meterName, host.MetricsUri, "tok-123"))
        using (var meter = new Meter(meterName))
        {
            var loss = meter.CreateGauge<double>(MetricNames.TrainLoss, "1");
            var eval = meter.CreateGauge<double>(MetricNames.EvalMetric, "1");
            var epoch = meter.CreateGauge<long>(MetricNames.TrainEpoch, "{epoch}");
            var step = meter.CreateGauge<long>(MetricNames.TrainStep, "{step}");
            var tokens = meter.CreateCounter<long>("clustertune.train.tokens", "{token}");
            var duration = meter.CreateHistogram<double>(MetricNames.TrainStepDuration, "s");

            // The trainer contract: epoch and step first, then the eval values of that epoch (see docs/telemetry.md).
            epoch.Record(2);
            step.Record(120);
            loss.Record(0.75, new KeyValuePair<string, object?>(MetricAttributes.Split, MetricAttributes.SplitTrain));
            eval.Record(0.625, new KeyValuePair<string, object?>(MetricAttributes.Metric, "accuracy"));
            eval.Record(double.NaN, new KeyValuePair<string, object?>(MetricAttributes.Metric, "loss"));
            tokens.Add(4096);
            duration.Record(0.02);
            duration.Record(0.04);

            // No ForceFlush: the 250 ms periodic export must deliver a complete collection on its own.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!sink.Records.Any(r => r.Metric == MetricNames.TrainStepDuration && r.Count == 2 && r.Epoch == 2 && r.Step == 120) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        var records = sink.Records.ToArray();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal(T, r.Trial));
        var byName = records.GroupBy(r => r.Metric).ToDictionary(g => g.Key, g => g.Last());

        var lossR = byName[MetricNames.TrainLoss];
        Assert.Equal((MetricPointKind.Gauge, 0.75, "train", "1"), (lossR.Kind, lossR.Value, lossR.Attributes[MetricAttributes.Split], lossR.Unit));
        Assert.NotEqual(0UL, lossR.TimeUnixNano);
        Assert.InRange(lossR.Time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        var accuracy = records.Last(r => r.Metric == MetricNames.EvalMetric && r.Attributes[MetricAttributes.Metric] == "accuracy");
        Assert.Equal(0.625, accuracy.Value);
        Assert.Equal((2L, 120L), (accuracy.Epoch, accuracy.Step));
        // The NaN eval loss is rejected as a point (a bad point never fails a trial), the rest of the export is kept.
        Assert.DoesNotContain(records, r => r.Metric == MetricNames.EvalMetric && r.Attributes[MetricAttributes.Metric] == "loss");
        Assert.True(metrics.OtlpPointsRejected.WithLabels("non_finite_value").Value >= 1);

        var tok = byName["clustertune.train.tokens"];
        Assert.Equal((MetricPointKind.Sum, true, 4096.0, "{token}"), (tok.Kind, tok.IsMonotonic, tok.Value, tok.Unit));
        Assert.NotEqual(0UL, tok.StartTimeUnixNano);

        var hist = byName[MetricNames.TrainStepDuration];
        Assert.Equal((MetricPointKind.Histogram, 2UL), (hist.Kind, hist.Count));
        Assert.Equal(0.06, hist.Value, 10);

        // The accumulator turns the same records into the operator's view: the rung at epoch 2.
        var acc = new ObservationAccumulator(_ => "accuracy", TimeProvider.System);
        acc.Add(records);
        var snap = acc.GetSnapshot(T)!;
        // An export can fire between two Record calls (and the SDK may show a gauge before its first value lands), so
        // earlier rungs may exist; the last one is the complete collection.
        Assert.Equal(new RungObservation(2, 0.625, accuracy.TimeUnixNano, 120), snap.Rungs[^1]);
        Assert.All(snap.Rungs, r => Assert.Equal(0.625, r.Value));
        Assert.False(snap.LatestEvalMetrics.ContainsKey("loss"));
        Assert.True(metrics.OtlpPointsAccepted.WithLabels().Value >= records.Length);
    }

    [Fact]
    public async Task Sdk_export_with_a_wrong_token_is_rejected_point_by_point()
    {
        var sink = new RecordingSink();
        var validator = new InMemoryTrialTokenValidator();
        validator.Register(T, "tok-123");
        var metrics = new ClusterTuneMetrics(new MetricRegistry());
        await using var host = await ReceiverHost.StartAsync(new OtlpMetricsReceiver(validator, sink, observer: metrics));
        string meterName = "clustertune.test." + Guid.NewGuid().ToString("N");

        using (var provider = Provider(meterName, host.MetricsUri, "forged"))
        using (var meter = new Meter(meterName))
        {
            meter.CreateGauge<double>(MetricNames.TrainLoss).Record(0.1);
            Assert.True(provider.ForceFlush(10_000));
        }

        Assert.Empty(sink.Records);
        Assert.True(metrics.OtlpPointsRejected.WithLabels("invalid_token").Value >= 1);
        Assert.Equal(0, metrics.OtlpPointsAccepted.WithLabels().Value);
    }
}
