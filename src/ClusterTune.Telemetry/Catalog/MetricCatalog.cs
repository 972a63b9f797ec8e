using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Prometheus;
using L = ClusterTune.Telemetry.Catalog.PrometheusLabels;

namespace ClusterTune.Telemetry.Catalog;

/// <summary>
/// The operator's metric catalog: sweep series, per-trial series, the trial info series and operator health.
/// Hyperparameters appear only as labels of <see cref="TrialInfo"/> (join in PromQL with
/// <c>* on(namespace,job,trial) group_left(lr_factor)</c>), never on the per-trial value series.
/// </summary>
public static class MetricCatalog
{
    private static readonly string[] SweepLabels = [L.Namespace, L.Job];
    private static readonly string[] TrialLabels = [L.Namespace, L.Job, L.Trial];

    // Sweep series.
    public static readonly MetricDefinition Trials = new("clustertune.trials", "{trial}", MetricType.Gauge,
        "Trials of a FineTuneJob by phase.", [L.Namespace, L.Job, L.Phase]);
    public static readonly MetricDefinition TrialsCreated = new("clustertune.sweep.trials.created", "{trial}", MetricType.Gauge,
        "Trials created so far by a FineTuneJob (from status).", SweepLabels);
    public static readonly MetricDefinition TrialsMax = new("clustertune.sweep.trials.max", "{trial}", MetricType.Gauge,
        "The FineTuneJob's budget.maxTrials.", SweepLabels);
    public static readonly MetricDefinition BudgetUsed = new("clustertune.sweep.budget.used", "1", MetricType.Gauge,
        "Fraction of the most constraining budget used (trials, GPU-hours or duration), 0..1.", SweepLabels);
    public static readonly MetricDefinition BestObjective = new("clustertune.sweep.best_objective", "", MetricType.Gauge,
        "Best objective value so far in the sweep.", [L.Namespace, L.Job, L.Metric]);
    // GPU time in seconds (Prometheus base unit; promtool rejects _hours): GPU-hours = value / 3600.
    public static readonly MetricDefinition GpuTime = new("clustertune.sweep.gpu_time", "s", MetricType.Gauge,
        "GPU time consumed by the sweep's trials in seconds (/3600 for GPU-hours).", SweepLabels);
    public static readonly MetricDefinition GpuTimeLimit = new("clustertune.sweep.gpu_time.limit", "s", MetricType.Gauge,
        "The FineTuneJob's budget.maxGpuHours in seconds (/3600 for GPU-hours).", SweepLabels);

    // Per-trial series (labels namespace, job, trial; never hyperparameters).
    public static readonly MetricDefinition TrialObjective = new("clustertune.trial.objective", "", MetricType.Gauge,
        "Latest objective value of a trial.", [L.Namespace, L.Job, L.Trial, L.Metric]);
    public static readonly MetricDefinition TrainLoss = new(MetricNames.TrainLoss, "", MetricType.Gauge,
        "Latest training loss of a trial.", TrialLabels);
    public static readonly MetricDefinition EvalMetric = new(MetricNames.EvalMetric, "", MetricType.Gauge,
        "Latest evaluation metric of a trial, by metric.", [L.Namespace, L.Job, L.Trial, L.Metric]);
    public static readonly MetricDefinition TrainEpoch = new(MetricNames.TrainEpoch, "{epoch}", MetricType.Gauge,
        "Epochs completed by a trial.", TrialLabels);
    public static readonly MetricDefinition TrainStep = new(MetricNames.TrainStep, "{step}", MetricType.Gauge,
        "Optimizer steps completed by a trial.", TrialLabels);
    public static readonly MetricDefinition TrialInfo = new("clustertune.trial.info", "", MetricType.Gauge,
        "One series per trial (value 1) carrying its hyperparameters and phase as labels.", TrialLabels);

    // Operator health.
    public static readonly MetricDefinition Reconciles = new("clustertune.operator.reconcile", "{reconcile}", MetricType.Counter,
        "Reconciles by controller and result (success, error, requeue).", [L.Controller, L.Result]);
    public static readonly MetricDefinition ReconcileErrors = new("clustertune.operator.reconcile.errors", "{error}", MetricType.Counter,
        "Reconciles that failed, by controller.", [L.Controller]);
    public static readonly MetricDefinition ReconcileDuration = new("clustertune.operator.reconcile.duration", "s", MetricType.Histogram,
        "Reconcile duration by controller.", [L.Controller]);
    public static readonly MetricDefinition QueueDepth = new("clustertune.operator.workqueue.depth", "{item}", MetricType.Gauge,
        "Keys waiting in a work queue.", [L.Queue]);
    public static readonly MetricDefinition ApiRequests = new("clustertune.operator.api.requests", "{request}", MetricType.Counter,
        "Kubernetes API requests by verb, resource and HTTP status code.", [L.Verb, L.Resource, L.Code]);
    public static readonly MetricDefinition WatchRestarts = new("clustertune.operator.watch.restarts", "{restart}", MetricType.Counter,
        "Watch restarts by resource and reason (e.g. expired = 410 Gone and relist).", [L.Resource, L.Reason]);
    public static readonly MetricDefinition UndecodableObjects = new("clustertune.operator.undecodable_objects", "{object}", MetricType.Gauge,
        "Objects the informers leave out because they do not fit the API types (each also gets a Warning event), by resource.", [L.Resource]);
    public static readonly MetricDefinition JobGrains = new("clustertune.operator.job_grains", "{grain}", MetricType.Gauge,
        "FineTuneJob grains active on this silo (one per sweep in the cluster, spread over the silos).", [L.Identity]);
    public static readonly MetricDefinition SiloReady = new("clustertune.operator.silo.ready", "", MetricType.Gauge,
        "1 when this silo is in the cluster and its informer caches have synced (its /readyz answers 200), else 0.", [L.Identity]);
    public static readonly MetricDefinition Notifications = new("clustertune.operator.notifications", "{attempt}", MetricType.Counter,
        "spec.notify webhook POSTs by result (delivered, failed = retried later, abandoned).", [L.Result]);
    public static readonly MetricDefinition OtlpPointsAccepted = new("clustertune.otlp.points.accepted", "{point}", MetricType.Counter,
        "OTLP data points accepted and handed to the operator.", []);
    public static readonly MetricDefinition OtlpPointsRejected = new("clustertune.otlp.points.rejected", "{point}", MetricType.Counter,
        "OTLP data points rejected (partial_success), by reason.", [L.Reason]);
    public static readonly MetricDefinition OtlpPointsDropped = new("clustertune.otlp.points.dropped", "{point}", MetricType.Counter,
        "OTLP data points dropped without rejection (NO_RECORDED_VALUE, exponential histograms).", []);
    public static readonly MetricDefinition OtlpRequests = new("clustertune.otlp.requests", "{request}", MetricType.Counter,
        "OTLP export requests by HTTP status code.", [L.Code]);
    public static readonly MetricDefinition OtlpRequestSize = new("clustertune.otlp.request.size", "By", MetricType.Histogram,
        "Decompressed OTLP request body size.", []);

    /// <summary>Every entry, in exposition order.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        Trials, TrialsCreated, TrialsMax, BudgetUsed, BestObjective, GpuTime, GpuTimeLimit,
        TrialObjective, TrainLoss, EvalMetric, TrainEpoch, TrainStep, TrialInfo,
        Reconciles, ReconcileErrors, ReconcileDuration, QueueDepth, ApiRequests, WatchRestarts, UndecodableObjects, JobGrains, SiloReady, Notifications,
        OtlpPointsAccepted, OtlpPointsRejected, OtlpPointsDropped, OtlpRequests, OtlpRequestSize,
    ];
}
