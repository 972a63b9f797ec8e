using System.Diagnostics.Metrics;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Hosting;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>The silo's small decisions, table by table: which jobs the resync touches, work item names, Orleans metric names, flags.</summary>
public sealed class SiloDecisionTests
{
    public static TheoryData<string, FineTuneJobPhase?, string?, bool, bool> Jobs => new()
    {
        // case, phase, CheckpointPromoted reason, being deleted, has work
        { "new job, no status", null, null, false, true },
        { "running", FineTuneJobPhase.Running, null, false, true },
        { "succeeded and promoted", FineTuneJobPhase.Succeeded, ConditionReasons.Promoted, false, false },
        { "succeeded, promotion pending", FineTuneJobPhase.Succeeded, ConditionReasons.PromotionPending, false, true },
        { "failed", FineTuneJobPhase.Failed, null, false, false },
        { "failed but being deleted", FineTuneJobPhase.Failed, null, true, true },
    };

    [Theory]
    [MemberData(nameof(Jobs))]
    public void The_resync_touches_exactly_the_jobs_that_may_still_need_their_controller(string @case, FineTuneJobPhase? phase, string? promotion, bool deleting, bool expected)
    {
        var job = new FineTuneJob
        {
            Metadata = new V1ObjectMeta { Name = "j", NamespaceProperty = "default", DeletionTimestamp = deleting ? DateTime.UtcNow : null },
            Spec = new FineTuneJobSpec(),
            Status = phase is null ? null : new FineTuneJobStatus
            {
                Phase = phase,
                Conditions = promotion is null ? [] : [new V1Condition { Type = ConditionTypes.CheckpointPromoted, Status = "True", Reason = promotion, Message = "m", LastTransitionTime = DateTime.UtcNow }],
            },
        };
        Assert.True(expected == SiloController.HasWork(job), @case);
    }

    [Theory]
    [InlineData("job", null, "finetunejob")]
    [InlineData("observations", null, "observations")]
    [InlineData("trial/sweep-3", "sweep-3", "trial")]
    [InlineData("trial/job/with/slashes", "job/with/slashes", "trial")]
    public void Work_items_name_their_trial_and_controller(string item, string? trial, string controller)
    {
        Assert.Equal(trial, JobWorkItems.TrialOf(item));
        Assert.Equal(controller, JobWorkItems.ControllerOf(item));
        if (trial is not null)
        {
            Assert.Equal(item, JobWorkItems.Trial(trial));
        }
    }

    [Fact]
    public void Orleans_instruments_become_prometheus_counters_and_gauges_and_histograms_are_left_out()
    {
        using var meter = new Meter(MeterBridge.MeterName);
        Assert.Equal(("orleans_messaging_sent_dropped_total", true), MeterBridge.Family(meter.CreateCounter<long>("orleans-messaging-sent-dropped")));
        Assert.Equal(("orleans_catalog_activations", false), MeterBridge.Family(meter.CreateObservableGauge("orleans-catalog-activations", () => 1)));
        Assert.Equal(("orleans_grains", false), MeterBridge.Family(meter.CreateUpDownCounter<int>("orleans-grains")));
        Assert.Equal(("orleans_app_requests_total", true), MeterBridge.Family(meter.CreateObservableCounter("orleans-app.requests", () => 1L)));
        Assert.Null(MeterBridge.Family(meter.CreateHistogram<double>("orleans-app-requests-latency")));
    }

    [Fact]
    public void Orleans_counters_and_gauges_reach_the_registry_summed_over_their_tags()
    {
        var registry = new Telemetry.Prometheus.MetricRegistry();
        using var bridge = new MeterBridge(registry);
        using var meter = new Meter(MeterBridge.MeterName);
        var sent = meter.CreateCounter<long>("orleans-test-sent");
        var grains = meter.CreateUpDownCounter<int>("orleans-test-grains");
        sent.Add(3, new KeyValuePair<string, object?>("kind", "a"));
        sent.Add(4, new KeyValuePair<string, object?>("kind", "b"));
        grains.Add(5, new KeyValuePair<string, object?>("type", "job"));
        grains.Add(2, new KeyValuePair<string, object?>("type", "system"));
        grains.Add(-1, new KeyValuePair<string, object?>("type", "job"));
        using var observed = new Meter(MeterBridge.MeterName);
        var activations = 3;
        observed.CreateObservableGauge("orleans-test-activations", () => new[] { new Measurement<int>(activations, new KeyValuePair<string, object?>("t", "a")), new Measurement<int>(2, new KeyValuePair<string, object?>("t", "b")) });
        observed.CreateObservableCounter("orleans-test-collected", () => new[] { new Measurement<long>(10, new KeyValuePair<string, object?>("t", "a")), new Measurement<long>(5, new KeyValuePair<string, object?>("t", "b")) });
        var text = Telemetry.Prometheus.PrometheusTextRenderer.Render(registry);
        Assert.Contains("orleans_test_sent_total 7", text);
        Assert.Contains("orleans_test_grains 6", text);
        Assert.Contains("orleans_test_activations 5", text);
        Assert.Contains("orleans_test_collected_total 15", text);
        // At the next scrape observable gauges are summed afresh, not added to the last scrape's value.
        activations = 1;
        text = Telemetry.Prometheus.PrometheusTextRenderer.Render(registry);
        Assert.Contains("orleans_test_activations 3", text);
        Assert.Contains("orleans_test_collected_total 15", text);
    }

    [Fact]
    public void The_runtimes_own_meter_reaches_the_registry_with_unit_suffixes()
    {
        using var meter = new Meter(MeterBridge.RuntimeMeterName + ".Test");
        Assert.Equal(("dotnet_jit_compilation_time_seconds_total", true), MeterBridge.Family(meter.CreateObservableCounter("dotnet.jit.compilation.time", () => 1.0, "s")));
        Assert.Equal(("dotnet_gc_heap_total_allocated_bytes_total", true), MeterBridge.Family(meter.CreateObservableCounter("dotnet.gc.heap.total_allocated", () => 1L, "By")));
        Assert.Equal(("orleans_messaging_sent_bytes_total", true), MeterBridge.Family(meter.CreateCounter<long>("orleans-messaging-sent-bytes", "By")));

        // The real System.Runtime meter of this process: CPU and JIT time are there, and they only grow.
        var registry = new Telemetry.Prometheus.MetricRegistry();
        using var bridge = new MeterBridge(registry);
        double Value(string text, string name) =>
            double.Parse(text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var first = Telemetry.Prometheus.PrometheusTextRenderer.Render(registry);
        var cpu = Value(first, "dotnet_process_cpu_time_seconds_total");
        Assert.True(cpu > 0, first);
        Assert.True(Value(first, "dotnet_jit_compilation_time_seconds_total") > 0);
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.ElapsedMilliseconds < 200)
        {
        }

        Assert.True(Value(Telemetry.Prometheus.PrometheusTextRenderer.Render(registry), "dotnet_process_cpu_time_seconds_total") > cpu);
    }

    [Theory]
    [InlineData(new[] { "--redis", "redis:6379,password=x", "--cluster-id", "ct", "--silo-port", "12000", "--advertise-address", "10.1.2.3", "--unschedulable-timeout", "90s" }, null)]
    [InlineData(new[] { "--silo-port", "70000" }, "--silo-port takes a port number 0-65535, got '70000'")]
    [InlineData(new[] { "--gateway-port", "x" }, "--gateway-port takes a port number 0-65535, got 'x'")]
    [InlineData(new[] { "--advertise-address", "not-an-ip" }, "--advertise-address takes an IP address, got 'not-an-ip'")]
    [InlineData(new[] { "--unschedulable-timeout", "0s" }, "--unschedulable-timeout takes a positive duration such as 10m, got '0s'")]
    [InlineData(new[] { "--leader-elect", "true" }, "unknown flag --leader-elect")]
    public void Flags_set_the_silo_options_or_name_the_bad_one(string[] args, string? error)
    {
        var flags = OperatorFlags.Parse(args);
        Assert.Equal(error, flags.Error);
        if (error is not null)
        {
            return;
        }

        Assert.Equal("redis:6379,password=x", flags.Options.RedisConnection);
        Assert.Equal("ct", flags.Options.ClusterId);
        Assert.Equal(12000, flags.Options.SiloPort);
        Assert.Equal("10.1.2.3", flags.Options.AdvertisedAddress);
        Assert.Equal(TimeSpan.FromSeconds(90), flags.Options.UnschedulableTimeout);
    }
}
