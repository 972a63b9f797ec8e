using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Local;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.Kubernetes;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterTune.Cli.Tests.Observability;

/// <summary>
/// Runs a real sweep in local mode (embedded API server, process node agent, operator, real trainer), scrapes the
/// operator's /metrics with Debian's prometheus every second (honor_labels: true), and evaluates every PromQL
/// expression of every shipped dashboard through Prometheus's HTTP API: each must return data.
/// </summary>
public sealed class DashboardQueryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string JobName = "dashboards";

    /// <summary>
    /// Metrics that cannot have series in this run, and why. An expression that uses one must come back empty; if it
    /// returns data the exemption is stale and the test says to remove it.
    /// </summary>
    private static readonly Dictionary<string, string> CannotHaveData = new(StringComparer.Ordinal)
    {
        ["clustertune_sweep_gpu_time_limit_seconds"] =
            "set only with budget.maxGpuHours, which needs nvidia.com/gpu in trainer.resources; the local node has no GPUs",
    };

    // notify points at a closed local port: the webhook panel charts a real failed attempt.
    private static readonly string JobYaml = $"""
        apiVersion: clustertune.io/v1alpha1
        kind: FineTuneJob
        metadata:
          name: {JobName}
          namespace: default
        spec:
          model:
            baseCheckpointUri: file:///var/cache/clustertune/models/clustertune-cnn-fashion/base
            architecture: clustertune-cnn-v1
          dataset:
            trainUri: file:///var/cache/clustertune/data
            labelsPerClass: 5
          trainer:
            image: {LocalCluster.TrainerImage}
            epochs: 2
            env:
            - name: CT_THREADS
              value: "1"
            - name: CT_EVAL_LIMIT
              value: "200"
            resources:
              requests:
                cpu: "1"
          searchSpace:
            freezeDepth:
              type: categorical
              values: [1]
            lrFactor:
              type: categorical
              values: [0.1, 1.0]
            loraRank:
              type: categorical
              values: [0, 4]
          objective:
            metric: accuracy
            direction: maximize
          algorithm:
            name: grid
          budget:
            parallelism: 2
            maxFailedTrials: 2
            maxDuration: 3m
            trialDeadline: 2m
          notify:
          - url: http://127.0.0.1:1/closed-port
            on: [Succeeded]
        """;

    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "clustertune-dashboards-" + Guid.NewGuid().ToString("N"));
    private readonly ILoggerFactory _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning));
    private LocalCluster? _cluster;
    private PrometheusServer? _prometheus;

    [PrometheusSweepFact]
    public async Task Every_dashboard_expression_returns_data_from_a_real_sweep()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var clock = Stopwatch.StartNew();
        _cluster = await LocalCluster.StartAsync(_workDir, PrometheusSweepFactAttribute.CacheDirectory, _loggers, Math.Max(2, Environment.ProcessorCount), ct);
        var metricsAddress = _cluster.Operator.Address!;
        _prometheus = await PrometheusServer.StartAsync(metricsAddress.Authority, ct);
        var prometheusStarted = DateTimeOffset.UtcNow;

        // Real failures for the panels that chart errors: the first ten pod creates answer 500. The client tries each
        // create five times and two trials start at once, so at least one trial reconcile fails and is requeued with
        // backoff. And one OTLP export without the trial attributes is rejected.
        var podFaults = _cluster.Server.Faults.FailRequest(r => r.Verb == "create" && r.Resource == "pods", FaultAction.InternalError(), nth: 1, times: 10);
        await PostRejectedOtlpAsync(metricsAddress, ct);

        await _cluster.Client.CreateAsync(JobFile.Parse(JobYaml, "DashboardQueryTests"), ct);
        // And a dropped watch: the informers reconnect, which the watch-restart panel shows.
        await Task.Delay(500, ct);
        _cluster.Server.Faults.DropWatches(r => r.Resource == "trials");
        var job = await WaitForSweepAsync(ct);
        var finished = DateTimeOffset.UtcNow;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep {job.Status?.Phase} after {clock.Elapsed.TotalSeconds:0} s: {job.Status?.Trials?.Succeeded} succeeded, {job.Status?.Trials?.EarlyStopped} early-stopped, {job.Status?.Trials?.Failed} failed; best {job.Status?.BestTrial?.Name} = {job.Status?.BestTrial?.Objective}"));
        output.WriteLine($"pod creates failed by the fault rule: {podFaults.Fired} of {podFaults.Matched} matched");
        foreach (var t in (await _cluster.Client.ListAsync<Trial>("default", ct: ct)).Items)
        {
            output.WriteLine($"  {t.Metadata.Name} {t.Status?.Phase} attempts {t.Status?.Attempts} objective {t.Status?.Objective} {t.Status?.Reason} {t.Status?.Message}");
        }

        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status?.Phase);

        // Two scrapes after the end, so the final status is in Prometheus and every counter has a sample after it.
        while (true)
        {
            var scrape = await _prometheus.LastScrapeAsync(ct);
            if (scrape is { } s && s.LastScrape > finished.AddSeconds(2))
            {
                Assert.True(s.Health == "up", $"scrape of {metricsAddress} is {s.Health}: {s.Error}");
                break;
            }
            await Task.Delay(250, ct);
        }
        var at = DateTimeOffset.UtcNow;

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["namespace"] = "default",
            ["job"] = JobName,
            ["metric"] = "accuracy",
            ["param"] = "lr_factor",
            ["__rate_interval"] = "1m",
            ["__interval"] = "15s",
            ["__range"] = string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Ceiling((at - prometheusStarted).TotalSeconds) + 5}s"),
        };

        var failures = new List<string>();
        var report = new StringBuilder();
        var count = 0;
        foreach (var (file, dashboard) in Dashboards.Load())
        {
            foreach (var e in Dashboards.Expressions(file, dashboard))
            {
                count++;
                var expr = Dashboards.Substitute(e.Expr, values);
                var exempt = Dashboards.MetricNames(expr).FirstOrDefault(CannotHaveData.ContainsKey);
                var (result, error) = await _prometheus.QueryAsync(expr, at, ct);
                string line;
                if (error is not null)
                {
                    line = $"ERROR  {e.File} {e.Where}: {error}\n       {expr}";
                    failures.Add(line);
                }
                else if (exempt is not null)
                {
                    line = result!.Count == 0
                        ? $"EMPTY  {e.File} {e.Where} (expected: {exempt} {CannotHaveData[exempt]})"
                        : $"STALE  {e.File} {e.Where}: {exempt} now has data; remove it from CannotHaveData";
                    if (result.Count > 0)
                    {
                        failures.Add(line);
                    }
                }
                else if (result!.Count == 0)
                {
                    line = $"EMPTY  {e.File} {e.Where}\n       {expr}";
                    failures.Add(line);
                }
                else
                {
                    line = $"ok     {e.File} {e.Where}: {result.Count} series, {Describe(result)}";
                }
                report.AppendLine(line);
            }
        }
        output.WriteLine(report.ToString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} expressions evaluated at {at:O}; {failures.Count} failed; total {clock.Elapsed.TotalSeconds:0} s"));
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} dashboard expressions failed:\n{string.Join("\n", failures)}\n\nprometheus log tail:\n{_prometheus.Log()}");
    }

    private async Task<FineTuneJob> WaitForSweepAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var job = await _cluster!.Client.GetAsync<FineTuneJob>(JobName, "default", ct);
            if (job.Status?.Phase is FineTuneJobPhase.Succeeded or FineTuneJobPhase.Failed)
            {
                return job;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                Assert.Fail($"the sweep did not finish in 3 min: phase {job.Status?.Phase}, trials {job.Status?.Trials?.Total}");
            }

            await Task.Delay(500, ct);
        }
    }

    // One OTLP/JSON export whose resource lacks the trial attributes: 200 with partial_success, counted by reason.
    private static async Task PostRejectedOtlpAsync(Uri operatorAddress, CancellationToken ct)
    {
        const string body = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"dashboards-test"}}]},
             "scopeMetrics":[{"metrics":[{"name":"clustertune.train.loss","gauge":{"dataPoints":[{"timeUnixNano":"1700000000000000000","asDouble":0.5}]}}]}]}]}
            """;
        using var http = new HttpClient { BaseAddress = operatorAddress };
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var resp = await http.PostAsync("v1/metrics", content, ct);
        var text = await resp.Content.ReadAsStringAsync(ct);
        Assert.True(resp.IsSuccessStatusCode && text.Contains("rejected", StringComparison.OrdinalIgnoreCase), $"OTLP export answered {(int)resp.StatusCode}: {text}");
    }

    private static string Describe(JsonArray result)
    {
        var first = result[0]!;
        var labels = first["metric"] is JsonObject m ? string.Join(",", m.Select(kv => $"{kv.Key}={kv.Value}")) : "";
        var value = first["value"] is JsonArray v ? v[1]?.ToString() : first["value"]?.ToString();
        return $"{{{labels}}} {value}";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _prometheus?.Dispose();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _loggers.Dispose();
        try
        {
            if (Directory.Exists(_workDir))
            {
                Directory.Delete(_workDir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
