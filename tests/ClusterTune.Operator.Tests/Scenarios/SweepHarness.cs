using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.ControlPlane;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Checkpoints;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// A real embedded API server, a process node agent and an operator that can be crashed and restarted, with trial
/// pods running <c>contract_trainer.py</c> (a trainer that honours the trial contract with a known objective).
/// </summary>
internal sealed class SweepHarness : IAsyncDisposable
{
    public const string Image = "clustertune/contract-trainer:test";
    private CancellationTokenSource? _operatorStop;
    private Task? _operatorRun;
    private readonly CancellationTokenSource _agentStop = new();
    private readonly Task _agentRun;

    private SweepHarness(EmbeddedApiServer server, string dir, ProcessNodeAgent agent, IKubernetes client)
    {
        Server = server;
        Dir = dir;
        Agent = agent;
        Client = client;
        _agentRun = agent.RunAsync(_agentStop.Token);
    }

    public EmbeddedApiServer Server { get; }
    public string Dir { get; }
    public ProcessNodeAgent Agent { get; }

    /// <summary>The test's own client (not the operator's).</summary>
    public IKubernetes Client { get; }

    public OperatorHost? Operator { get; private set; }

    /// <summary>API writes of every operator instance started so far.</summary>
    public long OperatorWrites { get; private set; }

    /// <summary>The operator's checkpoint root (set it before <see cref="StartOperatorAsync"/>, e.g. onto a small filesystem).</summary>
    public string CheckpointRoot { get; set; } = "";

    /// <summary>Changes the options of operators started from now on (e.g. a short deadline).</summary>
    public Func<OperatorOptions, OperatorOptions> ConfigureOperator { get; set; } = o => o;

    public static async Task<SweepHarness> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("ct-sweep-").FullName;
        var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { Port = 0 });
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            server.InstallCrds(yaml);
        }

        var client = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress));
        var script = Path.Combine(AppContext.BaseDirectory, "Scenarios", "contract_trainer.py");
        var agent = new ProcessNodeAgent(client, new NodeAgentOptions
        {
            NodeName = "local",
            WorkRoot = Path.Combine(dir, "node"),
            Cpu = "8",
            ImageCommands = new Dictionary<string, IReadOnlyList<string>> { [Image] = ["python3", script] },
            ShutdownGracePeriod = TimeSpan.FromSeconds(2),
        });
        server.PodLogProvider = agent.LogProvider;
        return new SweepHarness(server, dir, agent, client) { CheckpointRoot = Path.Combine(dir, "checkpoints") };
    }

    /// <summary>Starts a fresh operator (stateless: it rebuilds everything from the API); <paramref name="handlers"/> see its HTTP traffic.</summary>
    public async Task StartOperatorAsync(params DelegatingHandler[] handlers)
    {
        var host = new OperatorHost(KubeConnection.ForServer(Server.BaseAddress), ConfigureOperator(new OperatorOptions
        {
            CheckpointRoot = CheckpointRoot,
            OtlpEndpoint = "",
            TerminationGracePeriodSeconds = 5,
            ProgressFlushInterval = TimeSpan.FromMilliseconds(200),
            JobProgressInterval = TimeSpan.FromMilliseconds(200),
        }), Environment.GetEnvironmentVariable("CT_TEST_LOG") == "1" ? ConsoleLogging.Create(Microsoft.Extensions.Logging.LogLevel.Debug, standardError: true) : NullLoggerFactory.Instance, extraHandlers: handlers);
        await host.StartWebAsync("http://127.0.0.1:0");
        _operatorStop = new CancellationTokenSource();
        _operatorRun = host.RunAsync(_operatorStop.Token);
        Operator = host;
    }

    /// <summary>Stops the operator abruptly (a crash: no cleanup writes; state is only what reached the API).</summary>
    public async Task CrashOperatorAsync()
    {
        if (Operator is null)
        {
            return;
        }

        await Operator.CrashAsync();
        await _operatorStop!.CancelAsync();
        try
        {
            await _operatorRun!.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (OperationCanceledException)
        {
        }
        OperatorWrites += Operator.Writes;
        await Operator.DisposeAsync();
        Operator = null;
    }

    /// <summary>A grid job over lrFactor × freezeDepth run by the contract trainer.</summary>
    public static FineTuneJob GridJob(string name, IEnumerable<double> lrFactors, IEnumerable<long> freezeDepths, int parallelism = 2,
        int epochs = 3, double epochSeconds = 0, params (string Name, string Value)[] env) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new FineTuneJobSpec
            {
                Model = new ModelSpec { BaseCheckpointUri = "/models/base" },
                Dataset = new DatasetSpec { TrainUri = "/data/train" },
                Trainer = new TrainerSpec
                {
                    Image = Image,
                    Epochs = epochs,
                    Env = [new V1EnvVar { Name = "CT_FAKE_EPOCH_SECONDS", Value = epochSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    .. env.Select(e => new V1EnvVar { Name = e.Name, Value = e.Value })],
                },
                SearchSpace = new SearchSpace
                {
                    LrFactor = new ParameterSpec { Type = ParameterType.Categorical, Values = lrFactors.Select(v => ParamValue.Of(v)).ToList() },
                    FreezeDepth = new ParameterSpec { Type = ParameterType.Categorical, Values = freezeDepths.Select(v => ParamValue.Of(v)).ToList() },
                    LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [ParamValue.Of(0L)] },
                },
                Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid, Seed = 3 },
                Budget = new BudgetSpec { Parallelism = parallelism },
                RetryPolicy = new RetryPolicy { MaxAttempts = 3 },
            },
        };

    /// <summary>A 3 × 2 grid whose oracle best is lrFactor 0.1, freezeDepth 0.</summary>
    public static readonly double[] GridLrFactors = [0.01, 0.1, 1.0];

    /// <inheritdoc cref="GridLrFactors"/>
    public static readonly long[] GridFreezeDepths = [0, 1];

    /// <summary>
    /// Waits for grid jobs over <see cref="GridLrFactors"/> × <see cref="GridFreezeDepths"/> to finish and checks each ended as
    /// an undisturbed sweep does: Succeeded with 6 trials, the oracle's best, promoted with a matching SHA-256, the same
    /// promoted bytes for all of them, and exactly one pod (attempt 1) per trial: nothing lost, nothing duplicated.
    /// </summary>
    public async Task AssertGridSweepsEndedAlikeAsync(IEnumerable<string> names, TimeSpan? timeout = null)
    {
        var shas = new HashSet<string>();
        foreach (var name in names)
        {
            var job = await WaitForJobAsync(name, Finished, timeout ?? TimeSpan.FromSeconds(120));
            Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
            Assert.Equal(6, job.Status.Trials!.Succeeded);
            Assert.Equal(6, job.Status.Trials.Total);
            var best = job.Status.BestTrial!;
            Assert.Equal(0.1, best.Params![KnobNames.LrFactor].AsDouble());
            Assert.Equal(0L, best.Params[KnobNames.FreezeDepth].AsInt64());
            Assert.True(Conditions.IsTrue(job.Status.Conditions, ConditionTypes.CheckpointPromoted));
            Assert.Equal(best.Sha256, CheckpointManager.Sha256(Path.Combine(best.PromotedUri!, CheckpointManager.ModelFile)));
            shas.Add(best.Sha256!);
            var trials = await TrialsAsync(name);
            var pods = await PodsAsync(name);
            Assert.Equal(6, trials.Count);
            Assert.Equal(trials.Count, pods.Count);
            Assert.All(trials, t => Assert.Contains(pods, p => p.Metadata.Name == ResourceNames.Pod(name, t.Spec.Index, 1)));
        }
        Assert.Single(shas);
    }

    /// <summary>The contract trainer's objective (the oracle the sweep must find).</summary>
    public static double Objective(double lrFactor, long freezeDepth) => 1 - Math.Abs(Math.Log10(lrFactor) + 1) / 4 - freezeDepth / 100.0;

    public async Task<FineTuneJob> WaitForJobAsync(string name, Func<FineTuneJob, bool> done, TimeSpan? timeout = null)
    {
        FineTuneJob? last = null;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            last = await Client.TryGetAsync<FineTuneJob>(name, "default");
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        var trials = string.Join("\n", (await TrialsAsync(name)).Select(t => $"  {t.Metadata.Name} spec {KubernetesJsonText(t.Spec)} status {KubernetesJsonText(t.Status)}"));
        var pods = string.Join("\n", (await PodsAsync(name)).Select(p => $"  {p.Metadata.Name} {p.Status?.Phase} deleting={p.Metadata.DeletionTimestamp is not null}"));
        throw new TimeoutException($"job {name} did not reach the expected state; last status: {(last is null ? "gone" : KubernetesJsonText(last.Status))}\ntrials:\n{trials}\npods:\n{pods}");
    }

    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }
        throw new TimeoutException($"timed out waiting for {what}");
    }

    public static bool Finished(FineTuneJob j) =>
        j.Status?.Phase is FineTuneJobPhase.Succeeded or FineTuneJobPhase.Failed
        && (j.Status.Phase == FineTuneJobPhase.Failed || Conditions.Find(j.Status.Conditions, ConditionTypes.CheckpointPromoted)?.Reason != ConditionReasons.PromotionPending);

    public async Task<IReadOnlyList<Trial>> TrialsAsync(string job) =>
        (await Client.ListAsync<Trial>("default", labelSelector: $"{LabelKeys.Job}={job}")).Items.ToList();

    public async Task<IReadOnlyList<V1Pod>> PodsAsync(string job) =>
        (await Client.ListAsync<V1Pod>("default", labelSelector: $"{LabelKeys.Job}={job}")).Items.ToList();

    /// <summary>The log of a trial pod (the node agent keeps it after the pod ended).</summary>
    public async Task<string> PodLogAsync(string pod)
    {
        await using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod, "default");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public static string KubernetesJsonText<T>(T value) => value is null ? "null" : KubernetesJson.Serialize(value);

    public async ValueTask DisposeAsync()
    {
        await CrashOperatorAsync();
        await _agentStop.CancelAsync();
        try
        {
            await _agentRun.WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (OperationCanceledException)
        {
        }
        await Agent.DisposeAsync();
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>An OTLP/JSON export of gauge points as a trial's pod sends them (resource attributes of the trial contract).</summary>
    public static string OtlpJson(V1Pod pod, Trial trial, params (string Metric, string? Attribute, string Value)[] points)
    {
        static JsonObject Attr(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };
        var metrics = new JsonArray();
        foreach (var (metric, attribute, value) in points)
        {
            var point = new JsonObject { ["timeUnixNano"] = "1000", ["asDouble"] = value };
            if (attribute is not null)
            {
                point["attributes"] = new JsonArray(Attr(MetricAttributes.Metric, attribute));
            }

            metrics.Add(new JsonObject { ["name"] = metric, ["gauge"] = new JsonObject { ["dataPoints"] = new JsonArray(point) } });
        }
        var resource = new JsonObject
        {
            ["attributes"] = new JsonArray(
                Attr(ResourceAttributes.K8sNamespaceName, "default"), Attr(ResourceAttributes.JobName, trial.Spec.JobName),
                Attr(ResourceAttributes.TrialName, trial.Metadata.Name!), Attr(ResourceAttributes.K8sPodName, pod.Metadata.Name!)),
        };
        return new JsonObject { ["resourceMetrics"] = new JsonArray(new JsonObject { ["resource"] = resource, ["scopeMetrics"] = new JsonArray(new JsonObject { ["metrics"] = metrics }) }) }.ToJsonString();
    }

    /// <summary>POSTs an OTLP/JSON export with a trial token; returns the status and the partial success.</summary>
    public static async Task<(HttpStatusCode Status, long Rejected, string Message)> PostOtlpAsync(HttpClient http, string body, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/metrics") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TrialEnv.TokenHeader, token);
        using var response = await http.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["partialSuccess"];
        return (response.StatusCode, long.Parse(json?["rejectedDataPoints"]?.ToString() ?? "0", System.Globalization.CultureInfo.InvariantCulture), json?["errorMessage"]?.ToString() ?? "");
    }

    /// <summary>The token a trial pod got (its Secret): what only the pod can read.</summary>
    public async Task<string> TokenOfAsync(V1Pod pod) =>
        Encoding.UTF8.GetString((await Client.GetAsync<V1Secret>(ClusterTune.Operator.Planning.PodTemplate.TokenSecretName(pod.Metadata.Name!), "default")).Data[TrialEnv.TokenSecretKey]);
}
