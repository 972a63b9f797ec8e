using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

/// <summary>Jobs the tests start from: a minimal valid one and one with every field set.</summary>
internal static class TestJobs
{
    /// <summary>
    /// Validates the minimal job after <paramref name="change"/>: valid when <paramref name="path"/> is null, else an
    /// error at that field path with a fix (the shape of the table-driven validation tests).
    /// </summary>
    public static void AssertValidation(string name, Action<FineTuneJob> change, string? path)
    {
        var job = Minimal();
        change(job);
        var errors = FineTuneJobValidator.Validate(job);
        if (path is null)
        {
            Assert.True(errors.Count == 0, $"{name}: {FieldError.Join(errors)}");
        }
        else
        {
            Assert.Contains(errors, e => e.Path == path && !string.IsNullOrWhiteSpace(e.Fix));
        }
    }

    /// <summary>The job after <paramref name="change"/> was applied to its spec (for table-driven tests).</summary>
    public static FineTuneJob With(this FineTuneJob job, Action<FineTuneJobSpec> change)
    {
        change(job.Spec);
        return job;
    }

    public static FineTuneJob Minimal() => new()
    {
        Metadata = new V1ObjectMeta { Name = "sweep", NamespaceProperty = "default" },
        Spec = new FineTuneJobSpec
        {
            Model = new ModelSpec { BaseCheckpointUri = "file:///models/base.safetensors" },
            Dataset = new DatasetSpec { TrainUri = "file:///data/mnist" },
            Trainer = new TrainerSpec { Image = "clustertune/trainer:dev" },
        },
    };

    public static FineTuneJob Full() => new()
    {
        Metadata = new V1ObjectMeta { Name = "sweep", NamespaceProperty = "default", Uid = "u-1", Generation = 3 },
        Spec = new FineTuneJobSpec
        {
            Model = new ModelSpec { BaseCheckpointUri = "file:///models/base.safetensors", Architecture = "small-cnn" },
            Dataset = new DatasetSpec { TrainUri = "file:///data/mnist/train", ValidationUri = "file:///data/mnist/val", LabelsPerClass = 30 },
            Trainer = new TrainerSpec
            {
                Image = "clustertune/trainer:dev",
                Command = ["ctune-trainer"],
                Args = ["--log", "info"],
                Env = [new V1EnvVar { Name = "HF_HOME", Value = "/cache" }, new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "s", Key = "k" } } }],
                Resources = new V1ResourceRequirements
                {
                    Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "500m", ["memory"] = "2Gi" },
                    Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = "4Gi", [Gpus.NvidiaGpu] = 1 },
                },
                NodeSelector = new() { ["accelerator"] = "a100" },
                Tolerations = [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }],
                PriorityClassName = "batch-low",
                ServiceAccountName = "trainer",
                Epochs = 9,
                BatchSize = 64,
                PretrainingLearningRate = 0.001,
            },
            SearchSpace = new SearchSpace
            {
                FreezeDepth = new ParameterSpec { Type = ParameterType.Int, Min = 0, Max = 3 },
                LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.001, Max = 1, Scale = ParameterScale.Log },
                LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 4, 8] },
                Parameters = new()
                {
                    ["loraAlpha"] = new ParameterSpec { Type = ParameterType.Categorical, Values = [8, 16], Condition = new ParameterCondition { Parameter = "loraRank", In = [4, 8] } },
                    ["optimizer"] = new ParameterSpec { Type = ParameterType.Categorical, Values = ["adamw", "sgd"] },
                    ["dropout"] = new ParameterSpec { Type = ParameterType.Float, Min = 0, Max = 0.5, Step = 0.1 },
                    ["amp"] = new ParameterSpec { Type = ParameterType.Categorical, Values = [true, false], Condition = new ParameterCondition { Parameter = "optimizer", EqualTo = "adamw" } },
                },
                Constraints = new SearchConstraints { MaxTrainableParamsFraction = 0.5 },
            },
            Objective = new ObjectiveSpec { Metric = "accuracy", Direction = ObjectiveDirection.Maximize, Target = 0.99 },
            Algorithm = new AlgorithmSpec { Name = AlgorithmName.Tpe, Seed = 7 },
            EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 1, MaxResource = 9, ReductionFactor = 3, Mode = EarlyStoppingMode.Promote, Brackets = 1 },
            Budget = new BudgetSpec { MaxTrials = 20, Parallelism = 4, MaxFailedTrials = 2, MaxDuration = "2h", MaxGpuHours = 10, TrialDeadline = "30m", NotImprovingTrials = 8 },
            Checkpoints = new CheckpointSpec { StorageRoot = "file:///ckpt", KeepTop = 3, PromotePath = "file:///ckpt/best", DeletePolicy = CheckpointDeletePolicy.KeepPromoted },
            RetryPolicy = new RetryPolicy { MaxAttempts = 3, RetryOnOom = false, HeartbeatTimeout = "10m", Backoff = "30s" },
            Suspend = false,
        },
    };
}
