using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Otlp;
using ClusterTune.Telemetry.Prometheus;
using ClusterTune.Telemetry.Tests.Support;

namespace ClusterTune.Telemetry.Tests.Catalog;

public sealed class ClusterTuneMetricsTests
{
    private static readonly TrialKey T1 = new("team-a", "sweep", "sweep-t1");
    private static readonly TrialKey T2 = new("team-a", "sweep", "sweep-t2");

    [Fact]
    public void Catalog_names_follow_the_otel_to_prometheus_mapping()
    {
        var expected = new Dictionary<string, string>
        {
            ["clustertune.trials"] = "clustertune_trials",
            ["clustertune.sweep.trials.created"] = "clustertune_sweep_trials_created",
            ["clustertune.sweep.trials.max"] = "clustertune_sweep_trials_max",
            ["clustertune.sweep.budget.used"] = "clustertune_sweep_budget_used_ratio",
            ["clustertune.sweep.best_objective"] = "clustertune_sweep_best_objective",
            ["clustertune.sweep.gpu_time"] = "clustertune_sweep_gpu_time_seconds",
            ["clustertune.sweep.gpu_time.limit"] = "clustertune_sweep_gpu_time_limit_seconds",
            ["clustertune.trial.objective"] = "clustertune_trial_objective",
            ["clustertune.train.loss"] = "clustertune_train_loss",
            ["clustertune.eval.metric"] = "clustertune_eval_metric",
            ["clustertune.train.epoch"] = "clustertune_train_epoch",
            ["clustertune.train.step"] = "clustertune_train_step",
            ["clustertune.trial.info"] = "clustertune_trial_info",
            ["clustertune.operator.reconcile"] = "clustertune_operator_reconcile_total",
            ["clustertune.operator.reconcile.errors"] = "clustertune_operator_reconcile_errors_total",
            ["clustertune.operator.reconcile.duration"] = "clustertune_operator_reconcile_duration_seconds",
            ["clustertune.operator.workqueue.depth"] = "clustertune_operator_workqueue_depth",
            ["clustertune.operator.api.requests"] = "clustertune_operator_api_requests_total",
            ["clustertune.operator.watch.restarts"] = "clustertune_operator_watch_restarts_total",
            ["clustertune.operator.undecodable_objects"] = "clustertune_operator_undecodable_objects",
            ["clustertune.operator.job_grains"] = "clustertune_operator_job_grains",
            ["clustertune.operator.silo.ready"] = "clustertune_operator_silo_ready",
            ["clustertune.operator.notifications"] = "clustertune_operator_notifications_total",
            ["clustertune.otlp.points.accepted"] = "clustertune_otlp_points_accepted_total",
            ["clustertune.otlp.points.rejected"] = "clustertune_otlp_points_rejected_total",
            ["clustertune.otlp.points.dropped"] = "clustertune_otlp_points_dropped_total",
            ["clustertune.otlp.requests"] = "clustertune_otlp_requests_total",
            ["clustertune.otlp.request.size"] = "clustertune_otlp_request_size_bytes",
        };
        Assert.Equal(expected, MetricCatalog.All.ToDictionary(d => d.OtelName, d => d.PrometheusName));
        var registry = new MetricRegistry();
        _ = new ClusterTuneMetrics(registry);
        Assert.Equal(MetricCatalog.All.Select(d => d.PrometheusName), registry.Families.Select(f => f.Name));
        Assert.Equal(MetricCatalog.All.Select(d => d.Labels), registry.Families.Select(f => f.LabelNames));
    }

    [Fact]
    public void Per_trial_value_series_never_carry_hyperparameters()
    {
        var perTrial = MetricCatalog.All.Where(d => d.Labels.Contains(PrometheusLabels.Trial)).ToList();
        Assert.Equal(6, perTrial.Count);
        Assert.All(perTrial, d => Assert.Subset(
            new HashSet<string> { PrometheusLabels.Namespace, PrometheusLabels.Job, PrometheusLabels.Trial, PrometheusLabels.Metric }, d.Labels.ToHashSet()));
    }

    /// <summary>A registry filled as the operator would during a sweep.</summary>
    private static ClusterTuneMetrics Populated()
    {
        var m = new ClusterTuneMetrics(new MetricRegistry());
        m.SetTrialPhases("team-a", "sweep", new Dictionary<string, int> { ["Running"] = 2, ["Succeeded"] = 1, ["EarlyStopped"] = 1 });
        m.TrialsCreated.WithLabels("team-a", "sweep").Set(4);
        m.TrialsMax.WithLabels("team-a", "sweep").Set(12);
        m.BudgetUsed.WithLabels("team-a", "sweep").Set(4 / 12.0);
        m.BestObjective.WithLabels("team-a", "sweep", "accuracy").Set(0.91);
        m.GpuTime.WithLabels("team-a", "sweep").Set(1.25 * 3600);
        m.GpuTimeLimit.WithLabels("team-a", "sweep").Set(10 * 3600);
        m.SetTrialInfo(T1, new Dictionary<string, string> { ["lrFactor"] = "0.1", ["freezeDepth"] = "2", ["loraRank"] = "4", ["note"] = "say \"hi\"\\\n" });
        m.SetTrialInfo(T2, new Dictionary<string, string> { ["lrFactor"] = "0.01", ["freezeDepth"] = "1", ["loraRank"] = "0" });
        m.SetTrialInfo(T1, new Dictionary<string, string> { ["lrFactor"] = "0.1", ["freezeDepth"] = "2", ["loraRank"] = "8", ["note"] = "say \"hi\"\\\n" });

        var acc = new ObservationAccumulator(_ => "accuracy", new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        foreach (var (trial, acc1) in new[] { (T1, 0.8), (T2, 0.6) })
        {
            TrialMetricRecord P(string metric, double v, string? eval = null) =>
                new(trial, metric, "1", MetricPointKind.Gauge, OtlpAggregationTemporality.Unspecified, false,
                    eval is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["metric"] = eval }, 0, 100, v, null, 50, 1);
            acc.Add([P(MetricNames.TrainLoss, 0.3), P(MetricNames.TrainEpoch, 1), P(MetricNames.TrainStep, 50), P(MetricNames.EvalMetric, acc1, "accuracy"), P(MetricNames.EvalMetric, 0.4, "loss")]);
        }
        foreach (var s in acc.DrainChanged())
        {
            m.SetTrialProgress(s);
        }

        m.Reconciles.WithLabels("finetunejob", "success").Inc(10);
        m.Reconciles.WithLabels("trial", "error").Inc();
        m.ReconcileErrors.WithLabels("trial").Inc();
        m.ReconcileDuration.WithLabels("finetunejob").Observe(0.012);
        m.QueueDepth.WithLabels("finetunejob").Set(3);
        m.ApiRequests.WithLabels("PATCH", "trials", "409").Inc();
        m.WatchRestarts.WithLabels("pods", "expired").Inc();
        m.JobGrains.WithLabels("operator-0").Set(4);
        m.SiloReady.WithLabels("operator-0").Set(1);
        m.OnRequestBody(2048);
        m.OnResult(new OtlpReceiveResult(200, 10, 2, 1, "x", null, new Dictionary<PointRejectionReason, long> { [PointRejectionReason.InvalidToken] = 2 }));
        return m;
    }

    [Fact]
    public void Exposition_has_one_info_series_per_trial_and_the_per_trial_series()
    {
        var parsed = ExpositionParser.Parse(PrometheusTextRenderer.Render(Populated().Registry));

        var info = parsed.Named("clustertune_trial_info").ToList();
        Assert.Equal(2, info.Count);
        var t1 = info.Single(s => s.Labels["trial"] == "sweep-t1");
        Assert.Equal(("0.1", "2", "8", "say \"hi\"\\\n", "team-a", "sweep", 1.0),
            (t1.Labels["lr_factor"], t1.Labels["freeze_depth"], t1.Labels["lora_rank"], t1.Labels["note"], t1.Labels["namespace"], t1.Labels["job"], t1.Value));

        Assert.Equal(0.8, parsed.Named("clustertune_eval_metric").Single(s => s.Labels["trial"] == "sweep-t1" && s.Labels["metric"] == "accuracy").Value);
        Assert.Equal(0.6, parsed.Named("clustertune_trial_objective").Single(s => s.Labels["trial"] == "sweep-t2").Value);
        Assert.Equal(2, parsed.Named("clustertune_train_loss").Count());
        Assert.Equal(1, parsed.Named("clustertune_train_epoch").First().Value);
        Assert.Equal(50, parsed.Named("clustertune_train_step").First().Value);
        Assert.All(parsed.Samples.Where(s => s.Name != "clustertune_trial_info"), s => Assert.False(s.Labels.ContainsKey("lr_factor")));
        Assert.Equal(2, parsed.Named("clustertune_trials").Single(s => s.Labels["phase"] == "Running").Value);
        Assert.Equal(2, parsed.Named("clustertune_otlp_points_rejected_total").Single(s => s.Labels["reason"] == "invalid_token").Value);
        Assert.Equal(MetricCatalog.All.Count, parsed.Types.Count);
        Assert.Equal(MetricCatalog.All.Count, parsed.Help.Count);
    }

    [PromtoolFact]
    public void Promtool_check_metrics_accepts_the_exposition()
    {
        var text = PrometheusTextRenderer.Render(Populated().Registry);
        var (code, output) = Promtool.CheckMetrics(text);
        Assert.True(code == 0, $"promtool check metrics exit {code}:\n{output}");
        Assert.True(string.IsNullOrWhiteSpace(output), $"promtool lint findings:\n{output}");
    }

    [PromtoolFact]
    public void Promtool_rejects_a_broken_exposition()
    {
        // Guards the check above: promtool really parses what we give it.
        var (code, output) = Promtool.CheckMetrics("# TYPE x counter\nx{a=\"unterminated} 1\n");
        Assert.NotEqual(0, code);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    [Fact]
    public void Removing_a_trial_or_job_drops_its_series()
    {
        var m = Populated();
        m.RemoveTrial(T1);
        var parsed = ExpositionParser.Parse(PrometheusTextRenderer.Render(m.Registry));
        Assert.DoesNotContain(parsed.Samples, s => s.Labels.GetValueOrDefault("trial") == "sweep-t1");
        Assert.Contains(parsed.Samples, s => s.Labels.GetValueOrDefault("trial") == "sweep-t2");

        m.RemoveJob("team-a", "sweep");
        parsed = ExpositionParser.Parse(PrometheusTextRenderer.Render(m.Registry));
        Assert.DoesNotContain(parsed.Samples, s => s.Labels.GetValueOrDefault("job") == "sweep");
        Assert.Contains(parsed.Samples, s => s.Name == "clustertune_operator_reconcile_total");
    }

    // SetTrialInfo from spec.params skips values equal to those it last set: a change, or a set after the trial's or
    // job's series were removed, must still show.
    [Fact]
    public void Trial_info_from_params_follows_changes_and_removals()
    {
        var m = new ClusterTuneMetrics(new MetricRegistry());
        string? Info(string param) => ExpositionParser.Parse(PrometheusTextRenderer.Render(m.Registry)).Samples
            .Where(s => s.Name == "clustertune_trial_info" && s.Labels.GetValueOrDefault("trial") == T1.Trial).Select(s => s.Labels.GetValueOrDefault(param)).SingleOrDefault();
        Dictionary<string, Api.V1Alpha1.ParamValue> Params(double lr) => new() { ["lrFactor"] = lr, ["freezeDepth"] = 2, ["optimizer"] = "adamw", ["ema"] = true };

        m.SetTrialInfo(T1, Params(0.1));
        Assert.Equal(("0.1", "2", "adamw", "true"), (Info("lr_factor"), Info("freeze_depth"), Info("optimizer"), Info("ema")));
        m.SetTrialInfo(T1, Params(0.1)); // equal values, another dictionary
        Assert.Equal("0.1", Info("lr_factor"));
        m.SetTrialInfo(T1, Params(0.05)); // a PBT exploit changes a trial's params
        Assert.Equal("0.05", Info("lr_factor"));
        m.SetTrialInfo(T1, new Dictionary<string, string> { ["lrFactor"] = "x" });
        m.SetTrialInfo(T1, Params(0.05)); // the string overload replaced it: set again
        Assert.Equal("0.05", Info("lr_factor"));

        m.RemoveTrial(T1);
        Assert.Null(Info("lr_factor"));
        m.SetTrialInfo(T1, Params(0.05));
        Assert.Equal("0.05", Info("lr_factor"));
        m.RemoveJob(T1.Namespace, T1.Job);
        Assert.Null(Info("lr_factor"));
        m.SetTrialInfo(T1, Params(0.05));
        Assert.Equal("0.05", Info("lr_factor"));
    }

    [Fact]
    public void Trial_phases_replace_the_previous_counts()
    {
        var m = new ClusterTuneMetrics(new MetricRegistry());
        m.SetTrialPhases("ns", "j", new Dictionary<string, int> { ["Pending"] = 3 });
        m.SetTrialPhases("ns", "j", new Dictionary<string, int> { ["Running"] = 3 });
        m.SetTrialPhases("ns", "other", new Dictionary<string, int> { ["Pending"] = 1 });
        var phases = ExpositionParser.Parse(PrometheusTextRenderer.Render(m.Registry)).Named("clustertune_trials")
            .Select(s => (s.Labels["job"], s.Labels["phase"], s.Value));
        Assert.Equal([("j", "Running", 3.0), ("other", "Pending", 1.0)], phases);
    }

    [Fact]
    public void Parameters_colliding_on_one_label_are_both_kept()
    {
        var m = new ClusterTuneMetrics(new MetricRegistry());
        m.SetTrialInfo(T1, new Dictionary<string, string> { ["lrFactor"] = "a", ["lr_factor"] = "b", ["job"] = "c" });
        var s = ExpositionParser.Parse(PrometheusTextRenderer.Render(m.Registry)).Named("clustertune_trial_info").Single();
        Assert.Equal(("c", "a", "b", "sweep"), (s.Labels["param_job"], s.Labels["lr_factor"], s.Labels["lr_factor_2"], s.Labels["job"]));
    }
}
