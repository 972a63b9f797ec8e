using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.ControlPlane.Logs;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Testing;
using k8s;
using k8s.Models;

namespace ClusterTune.Cli.Tests.Inspection;

/// <summary>
/// An embedded API server with the CRDs and one realistic mid-sweep state written through the client, as the
/// operator, scheduler and kubelet would have: sweep-a (running: one unschedulable, one stuck, one succeeded, one
/// OOM-killed trial), sweep-b (invalid spec) in default, and sweep-c in team-a. Read-only for the tests.
/// </summary>
public sealed class InspectionClusterFixture : IAsyncLifetime
{
    public const string GpuMessage = "0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.";
    public const string Log = "epoch 1 accuracy 0.81\nepoch 2 accuracy 0.86\n";

    private EmbeddedApiServerFixture? _server;

    public EmbeddedApiServerFixture Server => _server ?? throw new InvalidOperationException("not started");

    /// <summary>A kubeconfig whose context points at the server with namespace default.</summary>
    public string Kubeconfig { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await EmbeddedApiServerFixture.StartAsync();
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            Server.Server.InstallCrds(yaml);
        }

        Kubeconfig = Server.WriteKubeconfig();
        var logs = new InMemoryPodLogProvider();
        Server.Server.PodLogProvider = logs;
        logs.Append("default", "sweep-a-1-1", "trainer", Log);

        using var client = KubeConnection.Create(KubeConnection.ForServer(Server.BaseAddress));
        var now = DateTimeOffset.UtcNow;
        await client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });

        await CreateJobAsync(client, "sweep-a", "default", new FineTuneJobStatus
        {
            ObservedGeneration = 1,
            Phase = FineTuneJobPhase.Running,
            StartTime = now.AddMinutes(-30),
            Conditions =
            [
                Objects.Cond(ConditionTypes.Validated, true, ConditionReasons.SpecValid, "the spec is valid", now),
                Objects.Cond(ConditionTypes.Running, true, ConditionReasons.TrialsRunning, "2 trials active", now),
                Objects.Cond(ConditionTypes.BudgetExhausted, false, ConditionReasons.WithinBudget, "within budget", now),
            ],
            Trials = new TrialCounts { Pending = 1, Running = 1, Succeeded = 1, Failed = 1, Total = 4 },
            BestTrial = new BestTrial
            {
                Name = "sweep-a-2",
                Index = 2,
                Objective = 0.91,
                Params = new Dictionary<string, ParamValue> { ["freezeDepth"] = 2, ["lrFactor"] = 0.1, ["loraRank"] = 4 },
                CheckpointUri = "file:///ckpt/default/sweep-a/sweep-a-2/best.safetensors",
                PromotedUri = "file:///ckpt/default/sweep-a/best/model.safetensors",
                Sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            },
            GpuSecondsUsed = 1800,
            GpuHoursRemaining = 1.5,
            Message = "4 trials: 1 pending, 1 running, 1 succeeded, 1 failed; best accuracy 0.91 (sweep-a-2)",
        });
        await CreateJobAsync(client, "sweep-b", "default", new FineTuneJobStatus
        {
            ObservedGeneration = 1,
            Phase = FineTuneJobPhase.Failed,
            Conditions =
            [
                Objects.Cond(ConditionTypes.Validated, false, ConditionReasons.SpecInvalid,
                    "spec.searchSpace.lrFactor.min: must be > 0 for log scale, got 0; set min to a positive value such as 0.001, or use scale: linear; " +
                    "spec.earlyStopping.minResource: only applies to asha or hyperband; set earlyStopping.type: asha or remove minResource", now),
                Objects.Cond(ConditionTypes.Failed, true, ConditionReasons.SpecInvalid, "the spec is invalid; fix it and the sweep starts", now),
            ],
            Trials = new TrialCounts(),
        });
        await CreateJobAsync(client, "sweep-c", "team-a", new FineTuneJobStatus { Phase = FineTuneJobPhase.Pending });

        await CreateTrialAsync(client, "sweep-a", 0, new TrialStatus
        {
            Phase = TrialPhase.Pending,
            Attempts = 1,
            PodName = "sweep-a-0-1",
            Reason = TrialReasons.PodCreated,
            Message = "pod sweep-a-0-1 created (attempt 1)",
        });
        await CreateTrialAsync(client, "sweep-a", 1, new TrialStatus
        {
            Phase = TrialPhase.Running,
            Attempts = 1,
            PodName = "sweep-a-1-1",
            Epoch = 2,
            Objective = 0.86,
            Reason = TrialReasons.PodRunning,
            StartTime = now.AddMinutes(-25),
            LastHeartbeat = now.AddMinutes(-15),
            Message = "pod sweep-a-1-1 is running (attempt 1)",
        });
        await CreateTrialAsync(client, "sweep-a", 2, new TrialStatus
        {
            Phase = TrialPhase.Succeeded,
            Attempts = 1,
            PodName = "sweep-a-2-1",
            Epoch = 9,
            Objective = 0.91,
            Reason = TrialReasons.Completed,
            Message = "completed 9 epochs",
        });
        await CreateTrialAsync(client, "sweep-a", 3, new TrialStatus
        {
            Phase = TrialPhase.Failed,
            Attempts = 1,
            PodName = "sweep-a-3-1",
            Epoch = 1,
            Reason = TrialReasons.OutOfMemory,
            Message = "pod sweep-a-3-1 was OOM-killed; raise trainer.resources.limits.memory or lower trainer.batchSize (retryPolicy.retryOnOom retries it unchanged)",
        });

        await CreatePodAsync(client, "sweep-a-0-1", new V1PodStatus
        {
            Phase = PodPhases.Pending,
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = GpuMessage, LastTransitionTime = now.AddMinutes(-10).UtcDateTime }],
        });
        await CreatePodAsync(client, "sweep-a-1-1", new V1PodStatus
        {
            Phase = PodPhases.Running,
            StartTime = now.AddMinutes(-25).UtcDateTime,
            Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }],
            ContainerStatuses = [new V1ContainerStatus { Name = "trainer", Ready = true, State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = now.AddMinutes(-25).UtcDateTime } } }],
        });

        for (var i = 1; i <= 12; i++)
        {
            await client.CreateAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = $"sweep-a.{i:00}", NamespaceProperty = "default" },
                InvolvedObject = new V1ObjectReference { ApiVersion = ApiGroup.ApiVersion, Kind = FineTuneJob.KindName, Name = "sweep-a", NamespaceProperty = "default" },
                Type = EventTypes.Normal,
                Reason = EventReasons.TrialStopped,
                Message = $"job event #{i:00}",
                FirstTimestamp = (now.AddMinutes(-30 + i)).UtcDateTime,
                LastTimestamp = (now.AddMinutes(-30 + i)).UtcDateTime,
                Count = 1,
            });
        }
        // Same name, other kind: must not show under the job.
        await client.CreateAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "sweep-a.trial", NamespaceProperty = "default" },
            InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = "sweep-a", NamespaceProperty = "default" },
            Type = EventTypes.Warning,
            Reason = "FailedScheduling",
            Message = "a pod that happens to be called sweep-a",
            LastTimestamp = now.UtcDateTime,
        });
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task CreateJobAsync(IKubernetes client, string name, string ns, FineTuneJobStatus status)
    {
        var job = Objects.Job(name, ns);
        job.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns };
        job.Status = null;
        await client.CreateAsync(job);
        await client.PatchStatusAsync<FineTuneJob>(name, MergePatch.ForStatus(status), ns);
    }

    private static async Task CreateTrialAsync(IKubernetes client, string job, int index, TrialStatus status)
    {
        var trial = Objects.Trial(job, index, TrialPhase.Pending);
        trial.Metadata.CreationTimestamp = null;
        trial.Status = null;
        await client.CreateAsync(trial);
        await client.PatchStatusAsync<Trial>(trial.Metadata.Name!, MergePatch.ForStatus(status), "default");
    }

    private static async Task CreatePodAsync(IKubernetes client, string name, V1PodStatus status)
    {
        var pod = Objects.Pod(name, PodPhases.Pending);
        pod.Metadata.CreationTimestamp = null;
        pod.Metadata.Labels![LabelKeys.Trial] = name[..name.LastIndexOf('-')];
        pod.Status = null;
        await client.CreateAsync(pod);
        await client.PatchStatusAsync<V1Pod>(name, MergePatch.ForStatus(status), "default");
    }
}
