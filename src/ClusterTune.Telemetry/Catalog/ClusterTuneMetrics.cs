using System.Globalization;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Prometheus;
using ApiParamValue = ClusterTune.Api.V1Alpha1.ParamValue;

namespace ClusterTune.Telemetry.Catalog;

/// <summary>
/// The <see cref="MetricCatalog"/> registered on a <see cref="MetricRegistry"/>, with typed handles and helpers for
/// the trial series. Also counts OTLP receiver outcomes (pass it to <see cref="OtlpMetricsReceiver"/>).
/// </summary>
public sealed class ClusterTuneMetrics : IOtlpReceiverObserver
{
    private static readonly string[] ReservedInfoLabels = [PrometheusLabels.Namespace, PrometheusLabels.Job, PrometheusLabels.Trial];

    // The spec.params each trial's info series was last set from (SetTrialInfo skips equal ones).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TrialKey, Dictionary<string, ApiParamValue>> _trialInfoFrom = new();

    /// <summary>Registers every catalog entry on <paramref name="registry"/>.</summary>
    public ClusterTuneMetrics(MetricRegistry registry)
    {
        Registry = registry ?? throw new ArgumentNullException(nameof(registry));
        Trials = Gauge(MetricCatalog.Trials);
        TrialsCreated = Gauge(MetricCatalog.TrialsCreated);
        TrialsMax = Gauge(MetricCatalog.TrialsMax);
        BudgetUsed = Gauge(MetricCatalog.BudgetUsed);
        BestObjective = Gauge(MetricCatalog.BestObjective);
        GpuTime = Gauge(MetricCatalog.GpuTime);
        GpuTimeLimit = Gauge(MetricCatalog.GpuTimeLimit);
        TrialObjective = Gauge(MetricCatalog.TrialObjective);
        TrainLoss = Gauge(MetricCatalog.TrainLoss);
        EvalMetric = Gauge(MetricCatalog.EvalMetric);
        TrainEpoch = Gauge(MetricCatalog.TrainEpoch);
        TrainStep = Gauge(MetricCatalog.TrainStep);
        TrialInfo = registry.CreateInfo(MetricCatalog.TrialInfo.PrometheusName, MetricCatalog.TrialInfo.Help, [.. MetricCatalog.TrialInfo.Labels]);
        Reconciles = Counter(MetricCatalog.Reconciles);
        ReconcileErrors = Counter(MetricCatalog.ReconcileErrors);
        ReconcileDuration = registry.CreateHistogram(MetricCatalog.ReconcileDuration.PrometheusName, MetricCatalog.ReconcileDuration.Help,
            HistogramFamily.DurationSecondsBuckets, [.. MetricCatalog.ReconcileDuration.Labels]);
        QueueDepth = Gauge(MetricCatalog.QueueDepth);
        ApiRequests = Counter(MetricCatalog.ApiRequests);
        WatchRestarts = Counter(MetricCatalog.WatchRestarts);
        UndecodableObjects = Gauge(MetricCatalog.UndecodableObjects);
        JobGrains = Gauge(MetricCatalog.JobGrains);
        SiloReady = Gauge(MetricCatalog.SiloReady);
        Notifications = Counter(MetricCatalog.Notifications);
        OtlpPointsAccepted = Counter(MetricCatalog.OtlpPointsAccepted);
        OtlpPointsRejected = Counter(MetricCatalog.OtlpPointsRejected);
        OtlpPointsDropped = Counter(MetricCatalog.OtlpPointsDropped);
        OtlpRequests = Counter(MetricCatalog.OtlpRequests);
        OtlpRequestSize = registry.CreateHistogram(MetricCatalog.OtlpRequestSize.PrometheusName, MetricCatalog.OtlpRequestSize.Help,
            HistogramFamily.SizeBytesBuckets, [.. MetricCatalog.OtlpRequestSize.Labels]);
    }

    /// <summary>The registry the families live on (render it with <see cref="PrometheusTextRenderer"/>).</summary>
    public MetricRegistry Registry { get; }

    /// <summary>clustertune_trials{namespace,job,phase}.</summary>
    public GaugeFamily Trials { get; }
    /// <summary>clustertune_sweep_trials_created{namespace,job}.</summary>
    public GaugeFamily TrialsCreated { get; }
    /// <summary>clustertune_sweep_trials_max{namespace,job}.</summary>
    public GaugeFamily TrialsMax { get; }
    /// <summary>clustertune_sweep_budget_used_ratio{namespace,job}.</summary>
    public GaugeFamily BudgetUsed { get; }
    /// <summary>clustertune_sweep_best_objective{namespace,job,metric}.</summary>
    public GaugeFamily BestObjective { get; }
    /// <summary>clustertune_sweep_gpu_time_seconds{namespace,job}.</summary>
    public GaugeFamily GpuTime { get; }
    /// <summary>clustertune_sweep_gpu_time_limit_seconds{namespace,job}.</summary>
    public GaugeFamily GpuTimeLimit { get; }
    /// <summary>clustertune_trial_objective{namespace,job,trial,metric}.</summary>
    public GaugeFamily TrialObjective { get; }
    /// <summary>clustertune_train_loss{namespace,job,trial}.</summary>
    public GaugeFamily TrainLoss { get; }
    /// <summary>clustertune_eval_metric{namespace,job,trial,metric}.</summary>
    public GaugeFamily EvalMetric { get; }
    /// <summary>clustertune_train_epoch{namespace,job,trial}.</summary>
    public GaugeFamily TrainEpoch { get; }
    /// <summary>clustertune_train_step{namespace,job,trial}.</summary>
    public GaugeFamily TrainStep { get; }
    /// <summary>clustertune_trial_info{namespace,job,trial,&lt;hyperparameters&gt;} 1, one per trial.</summary>
    public InfoFamily TrialInfo { get; }
    /// <summary>clustertune_operator_reconcile_total{controller,result}.</summary>
    public CounterFamily Reconciles { get; }
    /// <summary>clustertune_operator_reconcile_errors_total{controller}.</summary>
    public CounterFamily ReconcileErrors { get; }
    /// <summary>clustertune_operator_reconcile_duration_seconds{controller}.</summary>
    public HistogramFamily ReconcileDuration { get; }
    /// <summary>clustertune_operator_workqueue_depth{queue}.</summary>
    public GaugeFamily QueueDepth { get; }
    /// <summary>clustertune_operator_api_requests_total{verb,resource,code}.</summary>
    public CounterFamily ApiRequests { get; }
    /// <summary>clustertune_operator_watch_restarts_total{resource,reason}.</summary>
    public CounterFamily WatchRestarts { get; }
    /// <summary>clustertune_operator_undecodable_objects{resource}.</summary>
    public GaugeFamily UndecodableObjects { get; }
    /// <summary>clustertune_operator_job_grains{identity}.</summary>
    public GaugeFamily JobGrains { get; }
    /// <summary>clustertune_operator_silo_ready{identity}.</summary>
    public GaugeFamily SiloReady { get; }
    /// <summary>clustertune_otlp_points_accepted_total.</summary>
    /// <summary>spec.notify POSTs by result.</summary>
    public CounterFamily Notifications { get; }

    public CounterFamily OtlpPointsAccepted { get; }
    /// <summary>clustertune_otlp_points_rejected_total{reason}.</summary>
    public CounterFamily OtlpPointsRejected { get; }
    /// <summary>clustertune_otlp_points_dropped_total.</summary>
    public CounterFamily OtlpPointsDropped { get; }
    /// <summary>clustertune_otlp_requests_total{code}.</summary>
    public CounterFamily OtlpRequests { get; }
    /// <summary>clustertune_otlp_request_size_bytes.</summary>
    public HistogramFamily OtlpRequestSize { get; }

    /// <summary>
    /// Sets the trial's info series from its spec.params (strings as they are, numbers and booleans as JSON writes them),
    /// unless it was last set from equal values: a job reconcile publishes every trial's info, and rebuilding unchanged
    /// series (label names, sorting) was 40 % of what a silo allocated in the scale bench.
    /// </summary>
    public void SetTrialInfo(TrialKey trial, IReadOnlyDictionary<string, ApiParamValue> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (_trialInfoFrom.TryGetValue(trial, out var last) && last.Count == parameters.Count
            && parameters.All(p => last.TryGetValue(p.Key, out var v) && v == p.Value))
        {
            return;
        }

        SetTrialInfo(trial, parameters.ToDictionary(p => p.Key, p => p.Value.ToText()));
        _trialInfoFrom[trial] = new Dictionary<string, ApiParamValue>(parameters, StringComparer.Ordinal);
    }

    /// <summary>Sets (replacing) the trial's single info series; parameter names become snake_case labels (lrFactor → lr_factor).</summary>
    public void SetTrialInfo(TrialKey trial, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _trialInfoFrom.TryRemove(trial, out _);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string label = PrometheusNaming.ParameterLabelName(name, ReservedInfoLabels);
            // Two parameters that map to one label (lrFactor, lr_factor) keep both, deterministically.
            string unique = label;
            for (int i = 2; labels.ContainsKey(unique); i++)
            {
                unique = label + "_" + i.ToString(CultureInfo.InvariantCulture);
            }
            labels[unique] = value ?? "";
        }
        TrialInfo.Set([trial.Namespace, trial.Job, trial.Trial], labels);
    }

    /// <summary>Mirrors a trial's latest loss, eval metrics, objective, epoch and step from the accumulator.</summary>
    public void SetTrialProgress(TrialObservationSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var t = snapshot.Trial;
        if (snapshot.LatestTrainLoss is { } loss)
        {
            TrainLoss.WithLabels(t.Namespace, t.Job, t.Trial).Set(loss);
        }
        if (snapshot.LatestEpoch is { } epoch)
        {
            TrainEpoch.WithLabels(t.Namespace, t.Job, t.Trial).Set(epoch);
        }
        if (snapshot.LatestStep is { } step)
        {
            TrainStep.WithLabels(t.Namespace, t.Job, t.Trial).Set(step);
        }
        foreach (var (metric, value) in snapshot.LatestEvalMetrics)
        {
            EvalMetric.WithLabels(t.Namespace, t.Job, t.Trial, metric).Set(value);
        }
        if (snapshot.ObjectiveMetric is { } objective && snapshot.LatestObjective is { } v)
        {
            TrialObjective.WithLabels(t.Namespace, t.Job, t.Trial, objective).Set(v);
        }
    }

    /// <summary>Sets clustertune_trials for one job from phase counts, dropping phases no longer present.</summary>
    public void SetTrialPhases(string @namespace, string job, IReadOnlyDictionary<string, int> countsByPhase)
    {
        ArgumentNullException.ThrowIfNull(countsByPhase);
        Trials.RemoveWhere(v => v[0] == @namespace && v[1] == job && !countsByPhase.ContainsKey(v[2]));
        foreach (var (phase, count) in countsByPhase)
        {
            Trials.WithLabels(@namespace, job, phase).Set(count);
        }
    }

    /// <summary>Removes every per-trial series (values and info) of one trial.</summary>
    public void RemoveTrial(TrialKey trial)
    {
        bool Match(IReadOnlyList<string> v) => v[0] == trial.Namespace && v[1] == trial.Job && v[2] == trial.Trial;
        foreach (var f in TrialFamilies())
        {
            f.RemoveWhere(Match);
        }
        TrialInfo.RemoveWhere(Match);
        _trialInfoFrom.TryRemove(trial, out _);
    }

    /// <summary>Removes every sweep and per-trial series of one FineTuneJob (e.g. when it is deleted).</summary>
    public void RemoveJob(string @namespace, string job)
    {
        bool Match(IReadOnlyList<string> v) => v[0] == @namespace && v[1] == job;
        foreach (var f in TrialFamilies().Concat([Trials, TrialsCreated, TrialsMax, BudgetUsed, BestObjective, GpuTime, GpuTimeLimit]))
        {
            f.RemoveWhere(Match);
        }
        TrialInfo.RemoveWhere(Match);
        foreach (var t in _trialInfoFrom.Keys.Where(t => t.Namespace == @namespace && t.Job == job))
        {
            _trialInfoFrom.TryRemove(t, out _);
        }
    }

    /// <inheritdoc />
    public void OnRequestBody(long bytes) => OtlpRequestSize.WithLabels().Observe(bytes);

    /// <inheritdoc />
    public void OnResult(OtlpReceiveResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        OtlpRequests.WithLabels(result.StatusCode.ToString(CultureInfo.InvariantCulture)).Inc();
        if (result.AcceptedPoints > 0)
        {
            OtlpPointsAccepted.WithLabels().Inc(result.AcceptedPoints);
        }
        if (result.DroppedPoints > 0)
        {
            OtlpPointsDropped.WithLabels().Inc(result.DroppedPoints);
        }
        foreach (var (reason, n) in result.RejectionsByReason)
        {
            OtlpPointsRejected.WithLabels(ReasonLabel(reason)).Inc(n);
        }
    }

    /// <summary>snake_case label value for a rejection reason (e.g. invalid_token).</summary>
    public static string ReasonLabel(PointRejectionReason reason) => PrometheusNaming.ParameterLabelName(reason.ToString(), []);

    private GaugeFamily[] TrialFamilies() => [TrialObjective, TrainLoss, EvalMetric, TrainEpoch, TrainStep];

    private GaugeFamily Gauge(MetricDefinition d) => Registry.CreateGauge(d.PrometheusName, d.Help, [.. d.Labels]);

    private CounterFamily Counter(MetricDefinition d) => Registry.CreateCounter(d.PrometheusName, d.Help, [.. d.Labels]);
}
