using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Builders for jobs, trials and pods the planner tests start from. Time is always <see cref="T0"/> + offsets.</summary>
internal static class Fixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    public const string JobName = "sweep";
    public const string Ns = "ml";
    public const string JobUid = "job-uid-1";
    public const string Root = "/ckpt";

    public static DateTimeOffset At(double minutes) => T0.AddMinutes(minutes);

    /// <summary>A valid job: grid over freezeDepth {0} × lrFactor {0.1} × loraRank {0, 4, 8} (3 points), 3 epochs.</summary>
    public static FineTuneJob Job(Action<FineTuneJobSpec>? change = null)
    {
        var job = new FineTuneJob
        {
            Metadata = new V1ObjectMeta { Name = JobName, NamespaceProperty = Ns, Uid = JobUid, Generation = 1 },
            Spec = new FineTuneJobSpec
            {
                Model = new ModelSpec { BaseCheckpointUri = "file:///models/base.safetensors", Architecture = "clustertune-cnn-v1" },
                Dataset = new DatasetSpec { TrainUri = "file:///data/mnist", ValidationUri = "file:///data/mnist-val", LabelsPerClass = 10 },
                Trainer = new TrainerSpec { Image = "clustertune/trainer:dev", Epochs = 3 },
                SearchSpace = new SearchSpace
                {
                    FreezeDepth = new ParameterSpec { Type = ParameterType.Categorical, Values = [0] },
                    LrFactor = new ParameterSpec { Type = ParameterType.Categorical, Values = [0.1] },
                    LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 4, 8] },
                },
                Objective = new ObjectiveSpec { Metric = "accuracy" },
                Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid, Seed = 1 },
                Budget = new BudgetSpec { Parallelism = 2 },
            },
        };
        change?.Invoke(job.Spec);
        return job;
    }

    public static EffectiveSpec Spec(Action<FineTuneJobSpec>? change = null) => FineTuneJobDefaults.Apply(Job(change).Spec);

    /// <summary>A trial as the job planner creates it, with an optional status.</summary>
    public static Trial Trial(int index, TrialStatus? status = null, int epochs = 3, bool? stop = null, int? rung = null,
        Dictionary<string, ParamValue>? parameters = null) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = ResourceNames.Trial(JobName, index),
                NamespaceProperty = Ns,
                Uid = $"trial-uid-{index}",
                Labels = new Dictionary<string, string> { [LabelKeys.Job] = JobName, [LabelKeys.Trial] = ResourceNames.Trial(JobName, index), [LabelKeys.TrialIndex] = $"{index}" },
            },
            Spec = new TrialSpec
            {
                JobName = JobName,
                Index = index,
                Params = parameters ?? new() { ["freezeDepth"] = 0, ["lrFactor"] = 0.1, ["loraRank"] = index * 4 },
                Epochs = epochs,
                Stop = stop,
                Rung = rung,
            },
            Status = status,
        };

    public static TrialStatus Status(TrialPhase phase, int attempts = 1, double? objective = null, int? epoch = null, string? reason = null) => new()
    {
        Phase = phase,
        Attempts = attempts,
        PodName = attempts > 0 ? ResourceNames.Pod(JobName, 0, attempts) : null,
        Objective = objective,
        Epoch = epoch,
        Reason = reason,
    };

    /// <summary>A Succeeded trial with a finite (or NaN) objective and a checkpoint.</summary>
    public static Trial Done(int index, double objective, int epochs = 3) => Trial(index, new TrialStatus
    {
        Phase = TrialPhase.Succeeded,
        Attempts = 1,
        PodName = ResourceNames.Pod(JobName, index, 1),
        Epoch = epochs,
        Objective = double.IsFinite(objective) ? objective : null,
        CheckpointUri = $"file://{Root}/{Ns}/{JobName}/trials/{ResourceNames.Trial(JobName, index)}/best",
        Reason = TrialReasons.Completed,
    }, epochs);

    public static Trial InPhase(int index, TrialPhase phase, double? objective = null) =>
        Trial(index, new TrialStatus { Phase = phase, Attempts = 1, PodName = ResourceNames.Pod(JobName, index, 1), Objective = objective });

    // ---- pods ----

    public static V1Pod Pod(int attempt, int index = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = ResourceNames.Pod(JobName, index, attempt), NamespaceProperty = Ns, Uid = $"pod-uid-{index}-{attempt}" },
        Status = new V1PodStatus { Phase = PodPhases.Pending },
    };

    public static V1Pod Waiting(int attempt, string? reason = "ContainerCreating", string? message = null)
    {
        var p = Pod(attempt);
        p.Status!.ContainerStatuses = [new V1ContainerStatus { Name = "trainer", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message } } }];
        return p;
    }

    public static V1Pod Running(int attempt, DateTimeOffset startedAt)
    {
        var p = Pod(attempt);
        p.Status = new V1PodStatus
        {
            Phase = PodPhases.Running,
            StartTime = startedAt.UtcDateTime,
            ContainerStatuses = [new V1ContainerStatus { Name = "trainer", State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = startedAt.UtcDateTime } } }],
        };
        return p;
    }

    public static V1Pod Terminated(int attempt, int exitCode, string? containerReason = null, string? message = null,
        string? podReason = null, DateTimeOffset? started = null, DateTimeOffset? finished = null)
    {
        var p = Pod(attempt);
        p.Status = new V1PodStatus
        {
            Phase = exitCode == 0 && podReason is null ? PodPhases.Succeeded : PodPhases.Failed,
            Reason = podReason,
            StartTime = (started ?? T0).UtcDateTime,
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "trainer",
                    State = new V1ContainerState
                    {
                        Terminated = new V1ContainerStateTerminated
                        {
                            ExitCode = exitCode, Reason = containerReason ?? (exitCode == 0 ? "Completed" : "Error"), Message = message,
                            StartedAt = (started ?? T0).UtcDateTime, FinishedAt = (finished ?? T0.AddMinutes(10)).UtcDateTime,
                        },
                    },
                },
            ],
        };
        return p;
    }

    /// <summary>A pod-level failure without a container state (Evicted, NodeLost).</summary>
    public static V1Pod PodFailed(int attempt, string podReason)
    {
        var p = Pod(attempt);
        p.Status = new V1PodStatus { Phase = PodPhases.Failed, Reason = podReason, Message = $"the pod was {podReason}", StartTime = T0.UtcDateTime };
        return p;
    }

    /// <summary>How the process node agent fails a pod whose image has no local command: phase Failed, waiting ErrImageNeverPull.</summary>
    public static V1Pod ImageNeverPull(int attempt)
    {
        var p = Waiting(attempt, "ErrImageNeverPull", "image \"trainer:1\" has no local command");
        p.Status!.Phase = PodPhases.Failed;
        p.Status.Reason = "ErrImageNeverPull";
        p.Status.Message = "image \"trainer:1\" has no local command";
        return p;
    }

    public static V1Pod Deleting(V1Pod pod, DateTimeOffset since, long grace = 30)
    {
        pod.Metadata.DeletionTimestamp = since.UtcDateTime;
        pod.Metadata.DeletionGracePeriodSeconds = grace;
        return pod;
    }

    public static string Result(string status = TrialResult.Succeeded, double? objective = 0.93, int epoch = 3, string? message = null,
        string? best = "file:///ckpt/ml/sweep/trials/sweep-0/best", string? last = "file:///ckpt/ml/sweep/trials/sweep-0/last") =>
        JsonSerializer.Serialize(new TrialResult(status, objective, new Dictionary<string, double> { ["accuracy"] = objective ?? 0, ["loss"] = 0.21 },
            epoch, 1200, best, last, 12345, 0.25, message), ApiJson.Options);

    // ---- planning ----

    public static TrialPlan PlanTrial(Trial trial, EffectiveSpec spec, IReadOnlyList<V1Pod> pods, DateTimeOffset? now = null,
        bool jobEnded = false, bool suspended = false, TimeSpan? stuck = null, Func<string?>? findCheckpoint = null) =>
        TrialPlanner.Plan(new TrialPlanInput(trial, spec, jobEnded, suspended, pods, now ?? At(5), stuck ?? TimeSpan.FromMinutes(5), findCheckpoint));

    public static Trial WithStatus(Trial trial, TrialStatus? status)
    {
        var copy = Clone(trial);
        copy.Status = status is null ? null : Clone(status);
        return copy;
    }

    public static T Clone<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, ApiJson.Options), ApiJson.Options)!;

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, ApiJson.Options);

    public static JobPlan PlanJob(FineTuneJob job, IReadOnlyList<Trial>? trials = null, DateTimeOffset? now = null, double runningGpuSeconds = 0) =>
        JobPlanner.Plan(new JobPlanInput(job, trials ?? [], now ?? At(1), runningGpuSeconds, "file://" + Root, new OperatorOptions()));

    /// <summary>The job with the status a previous plan produced.</summary>
    public static FineTuneJob After(FineTuneJob job, JobPlan plan)
    {
        var copy = Clone(job);
        copy.Status = Clone(plan.Status);
        return copy;
    }

    public static V1Condition? Cond(FineTuneJobStatus status, string type) => Conditions.Find(status.Conditions, type);
}
