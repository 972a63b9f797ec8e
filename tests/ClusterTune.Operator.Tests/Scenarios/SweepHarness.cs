using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.ControlPlane;
using ClusterTune.ControlPlane.NodeAgent;
using ClusterTune.Kubernetes;
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

    public string CheckpointRoot => Path.Combine(Dir, "checkpoints");

    public static async Task<SweepHarness> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("ct-sweep-").FullName;
        var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { Port = 0 });
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
            server.InstallCrds(yaml);
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
        return new SweepHarness(server, dir, agent, client);
    }

    /// <summary>Changes the options of operators started from now on (the defaults suit most scenarios).</summary>
    public Func<OperatorOptions, OperatorOptions> ConfigureOperator { get; set; } = o => o;

    /// <summary>Starts a fresh operator (stateless: it rebuilds everything from the API); <paramref name="handlers"/> see its HTTP traffic.</summary>
    public async Task StartOperatorAsync(params DelegatingHandler[] handlers)
    {
        var host = new OperatorHost(KubeConnection.ForServer(Server.BaseAddress), ConfigureOperator(new OperatorOptions
        {
            CheckpointRoot = CheckpointRoot,
            OtlpEndpoint = "",
            TerminationGracePeriodSeconds = 5,
            ObservationFlushInterval = TimeSpan.FromMilliseconds(200),
        }), NullLoggerFactory.Instance, extraHandlers: handlers);
        await host.StartWebAsync("http://127.0.0.1:0");
        _operatorStop = new CancellationTokenSource();
        _operatorRun = host.RunAsync(_operatorStop.Token);
        Operator = host;
    }

    /// <summary>Stops the operator abruptly (a crash: no cleanup writes; state is only what reached the API).</summary>
    public async Task CrashOperatorAsync()
    {
        if (Operator is null) return;
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

    /// <summary>The contract trainer's objective (the oracle the sweep must find).</summary>
    public static double Objective(double lrFactor, long freezeDepth) => 1 - Math.Abs(Math.Log10(lrFactor) + 1) / 4 - freezeDepth / 100.0;

    public async Task<FineTuneJob> WaitForJobAsync(string name, Func<FineTuneJob, bool> done, TimeSpan? timeout = null)
    {
        FineTuneJob? last = null;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            last = await Client.TryGetAsync<FineTuneJob>(name, "default");
            if (last is not null && done(last)) return last;
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
            if (await condition()) return;
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

    public static string KubernetesJsonText<T>(T value) => KubernetesJson.Serialize(value!);

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
}
