using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Contract;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ClusterTune.Trainer.Reporting;

/// <summary>
/// Reports a trial's metrics under the catalog names (<see cref="MetricNames"/>): always to metrics.jsonl, and over
/// OTLP/HTTP protobuf through the OpenTelemetry SDK when an endpoint is configured.
/// </summary>
public sealed class TrialReporter : IDisposable
{
    public const string MeterName = "ClusterTune.Trainer";

    private static readonly KeyValuePair<string, string>[] NoAttributes = [];
    private static readonly KeyValuePair<string, string>[] TrainSplit = [new(MetricAttributes.Split, MetricAttributes.SplitTrain)];

    private readonly Meter _meter;
    private readonly MeterProvider? _provider;
    private readonly MetricsLog _log;
    private readonly Gauge<double> _loss;
    private readonly Gauge<double> _eval;
    private readonly Gauge<long> _step;
    private readonly Gauge<long> _epoch;
    private readonly Gauge<double> _learningRate;
    private readonly Histogram<double> _stepDuration;
    private readonly Gauge<long> _trainable;
    private readonly Counter<long> _checkpoints;
    private readonly KeyValuePair<string, string>[] _deviceAttributes;

    /// <param name="device">The compute device (e.g. "cpu", "cuda:0"), an attribute of step-duration and parameter-count points.</param>
    public TrialReporter(TrialOptions options, TimeProvider time, TextWriter diagnostics, string device = "cpu")
    {
        _deviceAttributes = [new(MetricAttributes.Device, device)];
        // A private meter instance per reporter so two trainers in one test process never share instruments.
        _meter = new Meter(MeterName, typeof(TrialReporter).Assembly.GetName().Version?.ToString());
        _loss = _meter.CreateGauge<double>(MetricNames.TrainLoss, "1", "Training loss of the last step");
        _eval = _meter.CreateGauge<double>(MetricNames.EvalMetric, "1", "Evaluation metric named by the 'metric' attribute");
        _step = _meter.CreateGauge<long>(MetricNames.TrainStep, "{step}", "Optimizer steps completed");
        _epoch = _meter.CreateGauge<long>(MetricNames.TrainEpoch, "{epoch}", "Epochs completed");
        _learningRate = _meter.CreateGauge<double>(MetricNames.TrainLearningRate, "1", "Learning rate of the adapted weights");
        _stepDuration = _meter.CreateHistogram<double>(MetricNames.TrainStepDuration, "s", "Wall time of one optimizer step");
        _trainable = _meter.CreateGauge<long>(MetricNames.TrainableParameters, "{parameter}", "Trainable parameter count");
        _checkpoints = _meter.CreateCounter<long>(MetricNames.CheckpointSaved, "{checkpoint}", "Checkpoints written");
        _log = new MetricsLog(options.CheckpointDir, time);
        if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
        {
            Endpoint = MetricsEndpoint(options.OtlpEndpoint);
            _provider = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(Resource(options))
                .AddMeter(MeterName)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = Endpoint;
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    exporter.Headers = Headers(options);
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricExportIntervalMs;
                    reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                })
                .Build();
            diagnostics.WriteLine($"metrics: OTLP/HTTP protobuf to {Endpoint} every {options.MetricExportIntervalMs} ms");
        }
    }

    /// <summary>The OTLP metrics URL in use, or null when only metrics.jsonl is written.</summary>
    public Uri? Endpoint { get; }

    public string LogPath => _log.Path;

    public void TrainStep(long step, int epoch, double loss, double learningRate, double seconds)
    {
        _loss.Record(loss, Tags(TrainSplit));
        _step.Record(step);
        _epoch.Record(epoch);
        _learningRate.Record(learningRate);
        _stepDuration.Record(seconds, Tags(_deviceAttributes));
        _log.Append(MetricNames.TrainLoss, loss, step, epoch, TrainSplit);
        _log.Append(MetricNames.TrainLearningRate, learningRate, step, epoch, NoAttributes);
        _log.Append(MetricNames.TrainStepDuration, seconds, step, epoch, _deviceAttributes);
    }

    /// <summary>Records evaluation metrics (accuracy, loss, ...) at an epoch end and pushes everything out now.</summary>
    public void Evaluation(long step, int epoch, IReadOnlyDictionary<string, double> metrics)
    {
        _step.Record(step);
        _epoch.Record(epoch);
        _log.Append(MetricNames.TrainStep, step, step, epoch, NoAttributes);
        _log.Append(MetricNames.TrainEpoch, epoch, step, epoch, NoAttributes);
        foreach (var (name, value) in metrics)
        {
            KeyValuePair<string, string>[] attributes = [new(MetricAttributes.Metric, name), new(MetricAttributes.Split, MetricAttributes.SplitEval)];
            _eval.Record(value, Tags(attributes));
            _log.Append(MetricNames.EvalMetric, value, step, epoch, attributes);
        }

        Flush();
    }

    public void TrainableParameters(long count, double fraction, long step, int epoch)
    {
        _trainable.Record(count, Tags(_deviceAttributes));
        _log.Append(MetricNames.TrainableParameters, count, step, epoch, [new("fraction", fraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), .. _deviceAttributes]);
    }

    public void CheckpointSaved(string kind, long step, int epoch)
    {
        _checkpoints.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _log.Append(MetricNames.CheckpointSaved, 1, step, epoch, [new("kind", kind)]);
    }

    /// <summary>Writes metrics.jsonl to disk and forces an OTLP export (epoch end and exit).</summary>
    public void Flush()
    {
        _log.Flush();
        _provider?.ForceFlush(5000);
    }

    public void Dispose()
    {
        Flush();
        _provider?.Dispose();
        _meter.Dispose();
        _log.Dispose();
    }

    /// <summary>An endpoint set in code is used as is, so the per-signal path is appended here (OTLP exporter spec).</summary>
    internal static Uri MetricsEndpoint(string endpoint)
    {
        var trimmed = endpoint.TrimEnd('/');
        if (!trimmed.EndsWith("/v1/metrics", StringComparison.Ordinal))
        {
            trimmed += "/v1/metrics";
        }

        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new TrialConfigurationException($"{TrialEnv.OtlpEndpoint}='{endpoint}' must be an http(s) URL such as http://127.0.0.1:4318");
    }

    /// <summary>OTEL_EXPORTER_OTLP_HEADERS plus the trial token header (unless the headers already carry it, as the operator may set).</summary>
    internal static string Headers(TrialOptions options)
    {
        var parts = new List<string>();
        var hasToken = false;
        if (!string.IsNullOrWhiteSpace(options.OtlpHeaders))
        {
            parts.Add(options.OtlpHeaders.Trim().Trim(','));
            hasToken = options.OtlpHeaders.Split(',').Any(h => h.Split('=', 2)[0].Trim().Equals(TrialEnv.TokenHeader, StringComparison.OrdinalIgnoreCase));
        }

        if (!hasToken && !string.IsNullOrEmpty(options.Token))
        {
            parts.Add($"{TrialEnv.TokenHeader}={Uri.EscapeDataString(options.Token)}");
        }

        return string.Join(',', parts);
    }

    /// <summary>service.name, then clustertune.* keys, then OTEL_RESOURCE_ATTRIBUTES (what the operator injects wins).</summary>
    internal static ResourceBuilder Resource(TrialOptions options)
    {
        var attributes = new List<KeyValuePair<string, object>>();
        if (options.Job is { } job)
        {
            attributes.Add(new(ResourceAttributes.JobName, job));
        }

        if (options.Trial is { } trial)
        {
            attributes.Add(new(ResourceAttributes.TrialName, trial));
        }

        foreach (var (name, value) in options.Parameters.All)
        {
            attributes.Add(new(ResourceAttributes.ParamPrefix + name, value));
        }

        return ResourceBuilder.CreateEmpty()
            .AddService(ResourceAttributes.TrainerServiceName, autoGenerateServiceInstanceId: false)
            .AddAttributes(attributes)
            .AddEnvironmentVariableDetector();
    }

    private static TagList Tags(KeyValuePair<string, string>[] attributes)
    {
        var tags = default(TagList);
        foreach (var (k, v) in attributes)
        {
            tags.Add(k, v);
        }

        return tags;
    }
}
