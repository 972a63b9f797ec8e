using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s;
using k8s.Models;

namespace ClusterTune.Cli.Tests.Inspection;

/// <summary>Builders for realistic sweep objects: what the operator, scheduler and kubelet would have written.</summary>
internal static class Objects
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static FineTuneJob Job(string name = "demo", string ns = "default", Action<FineTuneJob>? configure = null)
    {
        var job = new FineTuneJob
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Generation = 1, CreationTimestamp = Now.AddHours(-1).UtcDateTime },
            Spec = new FineTuneJobSpec
            {
                Model = new ModelSpec { BaseCheckpointUri = "file:///models/base.safetensors" },
                Dataset = new DatasetSpec { TrainUri = "file:///data/train" },
                Trainer = new TrainerSpec
                {
                    Image = "ghcr.io/clustertune/trainer:1.0",
                    Epochs = 9,
                    Resources = new V1ResourceRequirements
                    {
                        Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = 1, ["memory"] = "4Gi" },
                    },
                },
                EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha },
                Budget = new BudgetSpec { MaxTrials = 4, MaxGpuHours = 2, MaxDuration = "2h" },
            },
            Status = new FineTuneJobStatus
            {
                ObservedGeneration = 1,
                Phase = FineTuneJobPhase.Running,
                StartTime = Now.AddMinutes(-30),
                Conditions =
                [
                    Cond(ConditionTypes.Validated, true, ConditionReasons.SpecValid, "the spec is valid"),
                    Cond(ConditionTypes.Running, true, ConditionReasons.TrialsRunning, "trials are running"),
                ],
                Trials = new TrialCounts(),
                Message = "sweep running",
            },
        };
        configure?.Invoke(job);
        return job;
    }

    /// <summary>A condition that changed 20 minutes before <paramref name="now"/> (default <see cref="Now"/>).</summary>
    public static V1Condition Cond(string type, bool value, string reason, string message, DateTimeOffset? now = null) => new()
    {
        Type = type,
        Status = value ? ConditionStatus.True : ConditionStatus.False,
        Reason = reason,
        Message = message,
        ObservedGeneration = 1,
        LastTransitionTime = ((now ?? Now).AddMinutes(-20)).UtcDateTime,
    };

    public static void SetCondition(FineTuneJob job, string type, bool value, string reason, string message) =>
        job.Status!.Conditions = Conditions.Set(job.Status.Conditions, Cond(type, value, reason, message), Now.AddMinutes(-5));

    public static Trial Trial(string job, int index, TrialPhase phase, Action<TrialStatus>? status = null, string ns = "default")
    {
        var name = ResourceNames.Trial(job, index);
        var s = new TrialStatus { Phase = phase, Attempts = 1, PodName = ResourceNames.Pod(job, index, 1), Epoch = 0 };
        status?.Invoke(s);
        return new Trial
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                CreationTimestamp = Now.AddMinutes(-25).UtcDateTime,
                Labels = new Dictionary<string, string> { [LabelKeys.Job] = job, [LabelKeys.Trial] = name, [LabelKeys.TrialIndex] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            Spec = new TrialSpec
            {
                JobName = job,
                Index = index,
                Epochs = 3,
                Rung = 0,
                Params = new Dictionary<string, ParamValue> { ["freezeDepth"] = index % 3, ["lrFactor"] = 0.1, ["loraRank"] = 4 },
                RetryPolicy = new Api.V1Alpha1.RetryPolicy { MaxAttempts = 3, HeartbeatTimeout = "10m" },
            },
            Status = s,
        };
    }

    public static V1Pod Pod(string name, string phase, Action<V1Pod>? configure = null, string ns = "default")
    {
        var job = name[..name.LastIndexOf('-', name.LastIndexOf('-') - 1)];
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                CreationTimestamp = Now.AddMinutes(-20).UtcDateTime,
                Labels = new Dictionary<string, string> { [LabelKeys.Job] = job },
            },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "trainer", Image = "ghcr.io/clustertune/trainer:1.0" }], RestartPolicy = "Never" },
            Status = new V1PodStatus { Phase = phase },
        };
        configure?.Invoke(pod);
        return pod;
    }

    public static void Unschedulable(V1Pod pod, string message) =>
        pod.Status!.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = message, LastTransitionTime = Now.AddMinutes(-19).UtcDateTime }];

    public static void Waiting(V1Pod pod, string reason, string message)
    {
        pod.Spec!.NodeName = "gpu-node-1";
        pod.Status!.StartTime = Now.AddMinutes(-18).UtcDateTime;
        pod.Status.Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "True" }];
        pod.Status.ContainerStatuses = [new V1ContainerStatus { Name = "trainer", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } } }];
    }

    public static Corev1Event Event(string kind, string subject, string reason, string message, DateTimeOffset at, string type = "Normal", string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = $"{subject}.{Guid.NewGuid():N}", NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference { Kind = kind, Name = subject, NamespaceProperty = ns, ApiVersion = kind == "Pod" ? "v1" : ApiGroup.ApiVersion },
        Reason = reason,
        Message = message,
        Type = type,
        FirstTimestamp = at.UtcDateTime,
        LastTimestamp = at.UtcDateTime,
        Count = 1,
        Source = new V1EventSource { Component = "clustertune-operator" },
    };
}
