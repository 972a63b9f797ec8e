using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void Minimal_and_full_jobs_are_valid()
    {
        Assert.Empty(FineTuneJobValidator.Validate(TestJobs.Minimal()));
        Assert.Empty(FineTuneJobValidator.Validate(TestJobs.Full()));
    }

    // A retry may wait nothing (0s) or anything longer; the wait is capped at 5m when planned, not refused here.
    [Theory]
    [InlineData("0s")]
    [InlineData("1m30s")]
    [InlineData("1h")]
    public void RetryPolicy_backoff_accepts_zero_and_longer(string backoff)
    {
        var job = TestJobs.Minimal();
        job.Spec.RetryPolicy = new RetryPolicy { Backoff = backoff };
        Assert.Empty(FineTuneJobValidator.Validate(job));
    }

    private static ParameterSpec Float(double min, double max, ParameterScale? scale = null, double? step = null) =>
        new() { Type = ParameterType.Float, Min = min, Max = max, Scale = scale, Step = step };

    private static ParameterSpec Int(double min, double max, double? step = null) => new() { Type = ParameterType.Int, Min = min, Max = max, Step = step };

    private static ParameterSpec Cat(params ParamValue[] values) => new() { Type = ParameterType.Categorical, Values = [.. values] };

    private static ParameterSpec When(ParameterSpec p, ParameterCondition c)
    {
        p.Condition = c;
        return p;
    }

    /// <summary>Each row: a name, a way to break the minimal job, the field path the first error must name.</summary>
    public static TheoryData<string, Action<FineTuneJob>, string> Malformed() => new()
    {
        { "bad job name", j => j.Metadata = new V1ObjectMeta { Name = "My_Sweep" }, "metadata.name" },
        { "name too long", j => j.Metadata = new V1ObjectMeta { Name = new string('a', 64) }, "metadata.name" },
        { "no checkpoint", j => j.Spec.Model.BaseCheckpointUri = "", "spec.model.baseCheckpointUri" },
        { "no train data", j => j.Spec.Dataset.TrainUri = " ", "spec.dataset.trainUri" },
        { "labelsPerClass 0", j => j.Spec.Dataset.LabelsPerClass = 0, "spec.dataset.labelsPerClass" },
        { "no image", j => j.Spec.Trainer.Image = "", "spec.trainer.image" },
        { "epochs 0", j => j.Spec.Trainer.Epochs = 0, "spec.trainer.epochs" },
        { "batch 0", j => j.Spec.Trainer.BatchSize = 0, "spec.trainer.batchSize" },
        { "lr negative", j => j.Spec.Trainer.PretrainingLearningRate = -1, "spec.trainer.pretrainingLearningRate" },
        { "lr NaN", j => j.Spec.Trainer.PretrainingLearningRate = double.NaN, "spec.trainer.pretrainingLearningRate" },
        { "empty command", j => j.Spec.Trainer.Command = [], "spec.trainer.command" },
        { "reserved env", j => j.Spec.Trainer.Env = [new V1EnvVar { Name = "CT_PARAMS", Value = "{}" }], "spec.trainer.env[0].name" },
        { "otel env", j => j.Spec.Trainer.Env = [new V1EnvVar { Name = "CT_THREADS", Value = "1" }, new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_ENDPOINT", Value = "x" }], "spec.trainer.env[1].name" },
        { "attempt env", j => j.Spec.Trainer.Env = [new V1EnvVar { Name = "CT_ATTEMPT", Value = "1" }], "spec.trainer.env[0].name" },
        { "duplicate env", j => j.Spec.Trainer.Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "A", Value = "2" }], "spec.trainer.env[1].name" },
        { "value and valueFrom", j => j.Spec.Trainer.Env = [new V1EnvVar { Name = "A", Value = "1", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "s", Key = "k" } } }], "spec.trainer.env[0]" },
        { "empty valueFrom", j => j.Spec.Trainer.Env = [new V1EnvVar { Name = "A", ValueFrom = new V1EnvVarSource() }], "spec.trainer.env[0].valueFrom" },
        { "fractional gpu", j => j.Spec.Trainer.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = "0.5" } }, "spec.trainer.resources.limits[nvidia.com/gpu]" },
        { "gpu overcommit", j => j.Spec.Trainer.Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = 1 }, Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = 2 } }, "spec.trainer.resources.requests[nvidia.com/gpu]" },
        { "toleration operator", j => j.Spec.Trainer.Tolerations = [new V1Toleration { Key = "k", OperatorProperty = "In" }], "spec.trainer.tolerations[0].operator" },
        { "toleration exists with value", j => j.Spec.Trainer.Tolerations = [new V1Toleration { Key = "k", OperatorProperty = "Exists", Value = "v" }], "spec.trainer.tolerations[0].value" },
        { "toleration seconds without NoExecute", j => j.Spec.Trainer.Tolerations = [new V1Toleration { Key = "k", Value = "v", Effect = "NoSchedule", TolerationSeconds = 5 }], "spec.trainer.tolerations[0].tolerationSeconds" },
        { "log scale min 0", j => j.Spec.SearchSpace = new SearchSpace { LrFactor = Float(0, 1, ParameterScale.Log) }, "spec.searchSpace.lrFactor.min" },
        { "min above max", j => j.Spec.SearchSpace = new SearchSpace { LrFactor = Float(0.5, 0.1) }, "spec.searchSpace.lrFactor.max" },
        { "missing max", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["dropout"] = new ParameterSpec { Type = ParameterType.Float, Min = 0 } } }, "spec.searchSpace.parameters.dropout.max" },
        { "missing type", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["dropout"] = new ParameterSpec { Min = 0, Max = 1 } } }, "spec.searchSpace.parameters.dropout.type" },
        { "float freezeDepth", j => j.Spec.SearchSpace = new SearchSpace { FreezeDepth = Float(0, 2) }, "spec.searchSpace.freezeDepth.type" },
        { "negative freezeDepth", j => j.Spec.SearchSpace = new SearchSpace { FreezeDepth = Int(-1, 2) }, "spec.searchSpace.freezeDepth.min" },
        { "fractional int min", j => j.Spec.SearchSpace = new SearchSpace { FreezeDepth = Int(0.5, 2) }, "spec.searchSpace.freezeDepth.min" },
        { "fractional int step", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["layers"] = Int(1, 8, 1.5) } }, "spec.searchSpace.parameters.layers.step" },
        { "loraRank non-integer", j => j.Spec.SearchSpace = new SearchSpace { LoraRank = Cat(0, 4.5) }, "spec.searchSpace.loraRank.values[1]" },
        { "loraRank string", j => j.Spec.SearchSpace = new SearchSpace { LoraRank = Cat(0, "8") }, "spec.searchSpace.loraRank.values[1]" },
        { "lrFactor zero value", j => j.Spec.SearchSpace = new SearchSpace { LrFactor = Cat(0.1, 0) }, "spec.searchSpace.lrFactor.values[1]" },
        { "empty categorical", j => j.Spec.SearchSpace = new SearchSpace { LoraRank = Cat() }, "spec.searchSpace.loraRank.values" },
        { "duplicate value", j => j.Spec.SearchSpace = new SearchSpace { LoraRank = Cat(0, 4, 4) }, "spec.searchSpace.loraRank.values[2]" },
        { "min on categorical", j => j.Spec.SearchSpace = new SearchSpace { LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0], Min = 0 } }, "spec.searchSpace.loraRank.min" },
        { "values on float", j => j.Spec.SearchSpace = new SearchSpace { LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.1, Max = 1, Values = [0.1] } }, "spec.searchSpace.lrFactor.values" },
        { "step with log", j => j.Spec.SearchSpace = new SearchSpace { LrFactor = Float(0.001, 1, ParameterScale.Log, 0.1) }, "spec.searchSpace.lrFactor.step" },
        { "step larger than range", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["dropout"] = Float(0, 0.5, step: 1) } }, "spec.searchSpace.parameters.dropout.step" },
        { "grid over continuous float", j => { j.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid }; j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["dropout"] = Float(0, 0.5) } }; }, "spec.searchSpace.parameters.dropout.step" },
        { "cmaes over a categorical", j => { j.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.CmaEs }; j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["optimizer"] = Cat("adam", "sgd") } }; }, "spec.searchSpace.parameters.optimizer.type" },
        { "knob under parameters", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["lrFactor"] = Float(0.1, 1) } }, "spec.searchSpace.parameters.lrFactor" },
        { "bad parameter name", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["drop-out"] = Float(0, 1) } }, "spec.searchSpace.parameters.drop-out" },
        { "condition unknown parent", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["alpha"] = When(Cat(8, 16), new ParameterCondition { Parameter = "rank", EqualTo = 4 }) } }, "spec.searchSpace.parameters.alpha.condition.parameter" },
        { "condition on itself", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["alpha"] = When(Cat(8, 16), new ParameterCondition { Parameter = "alpha", EqualTo = 8 }) } }, "spec.searchSpace.parameters.alpha.condition.parameter" },
        { "condition equals and in", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["alpha"] = When(Cat(8, 16), new ParameterCondition { Parameter = "loraRank", EqualTo = 4, In = [8] }) } }, "spec.searchSpace.parameters.alpha.condition" },
        { "condition value outside parent", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["alpha"] = When(Cat(8, 16), new ParameterCondition { Parameter = "loraRank", In = [4, 32] }) } }, "spec.searchSpace.parameters.alpha.condition.in[1]" },
        { "condition cycle", j => j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["a"] = When(Cat(1, 2), new ParameterCondition { Parameter = "b", EqualTo = 1 }), ["b"] = When(Cat(1, 2), new ParameterCondition { Parameter = "a", EqualTo = 1 }) } }, "spec.searchSpace.parameters.a.condition.parameter" },
        { "fraction above 1", j => j.Spec.SearchSpace = new SearchSpace { Constraints = new SearchConstraints { MaxTrainableParamsFraction = 1.5 } }, "spec.searchSpace.constraints.maxTrainableParamsFraction" },
        { "bad metric", j => j.Spec.Objective = new ObjectiveSpec { Metric = "" }, "spec.objective.metric" },
        { "infinite target", j => j.Spec.Objective = new ObjectiveSpec { Target = double.PositiveInfinity }, "spec.objective.target" },
        { "asha maxResource above epochs", j => { j.Spec.Trainer.Epochs = 4; j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MaxResource = 8 }; }, "spec.earlyStopping.maxResource" },
        { "asha min equals max", j => { j.Spec.Trainer.Epochs = 4; j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 4 }; }, "spec.earlyStopping.maxResource" },
        { "asha reductionFactor 1", j => j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, ReductionFactor = 1 }, "spec.earlyStopping.reductionFactor" },
        { "hyperband too many brackets", j => { j.Spec.Trainer.Epochs = 9; j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Hyperband, Brackets = 4 }; }, "spec.earlyStopping.brackets" },
        { "asha settings without type", j => j.Spec.EarlyStopping = new EarlyStoppingSpec { MinResource = 1 }, "spec.earlyStopping.minResource" },
        { "promote on median", j => j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Median, Mode = EarlyStoppingMode.Promote }, "spec.earlyStopping.mode" },
        { "gracePeriod on asha", j => j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, GracePeriod = 2 }, "spec.earlyStopping.gracePeriod" },
        { "median grace beyond epochs", j => { j.Spec.Trainer.Epochs = 3; j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Median, GracePeriod = 3 }; }, "spec.earlyStopping.gracePeriod" },
        { "maxTrials 0", j => j.Spec.Budget = new BudgetSpec { MaxTrials = 0 }, "spec.budget.maxTrials" },
        { "parallelism 0", j => j.Spec.Budget = new BudgetSpec { Parallelism = 0 }, "spec.budget.parallelism" },
        { "negative failures", j => j.Spec.Budget = new BudgetSpec { MaxFailedTrials = -1 }, "spec.budget.maxFailedTrials" },
        { "bad duration", j => j.Spec.Budget = new BudgetSpec { MaxDuration = "2 hours" }, "spec.budget.maxDuration" },
        { "zero deadline", j => j.Spec.Budget = new BudgetSpec { TrialDeadline = "0s" }, "spec.budget.trialDeadline" },
        { "gpu budget without gpus", j => j.Spec.Budget = new BudgetSpec { MaxGpuHours = 5 }, "spec.budget.maxGpuHours" },
        { "negative gpu budget", j => j.Spec.Budget = new BudgetSpec { MaxGpuHours = -5 }, "spec.budget.maxGpuHours" },
        { "notImproving 0", j => j.Spec.Budget = new BudgetSpec { NotImprovingTrials = 0 }, "spec.budget.notImprovingTrials" },
        { "keepTop 0", j => j.Spec.Checkpoints = new CheckpointSpec { KeepTop = 0 }, "spec.checkpoints.keepTop" },
        { "blank storage root", j => j.Spec.Checkpoints = new CheckpointSpec { StorageRoot = "" }, "spec.checkpoints.storageRoot" },
        { "maxAttempts 0", j => j.Spec.RetryPolicy = new RetryPolicy { MaxAttempts = 0 }, "spec.retryPolicy.maxAttempts" },
        { "bad heartbeat", j => j.Spec.RetryPolicy = new RetryPolicy { HeartbeatTimeout = "10" }, "spec.retryPolicy.heartbeatTimeout" },
        { "backoff without a unit", j => j.Spec.RetryPolicy = new RetryPolicy { Backoff = "10" }, "spec.retryPolicy.backoff" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_job_names_the_field_and_a_fix(string name, Action<FineTuneJob> breakIt, string expectedPath)
    {
        var job = TestJobs.Minimal();
        breakIt(job);
        var errors = FineTuneJobValidator.Validate(job);
        Assert.True(errors.Count == 1, $"{name}: expected exactly one error at {expectedPath}, got:\n{FieldError.Join(errors)}");
        var error = errors[0];
        Assert.Equal(expectedPath, error.Path);
        Assert.False(string.IsNullOrWhiteSpace(error.Problem), name);
        Assert.False(string.IsNullOrWhiteSpace(error.Fix), name);
        Assert.StartsWith(expectedPath + ": ", error.ToString());
    }

    [Fact]
    public void Log_scale_error_reads_as_problem_and_fix()
    {
        var job = TestJobs.Minimal().With(s => s.SearchSpace = new SearchSpace { LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0, Max = 1, Scale = ParameterScale.Log } });
        Assert.Equal(
            "spec.searchSpace.lrFactor.min: must be > 0 for log scale, got 0; set min to a positive value such as 0.001, or use scale: linear",
            FineTuneJobValidator.Validate(job).Single().ToString());
    }

    [Fact]
    public void Every_error_of_a_job_is_reported_not_just_the_first()
    {
        var job = TestJobs.Minimal().With(s =>
        {
            s.Trainer.Image = "";
            s.Budget = new BudgetSpec { MaxTrials = 0 };
            s.Objective = new ObjectiveSpec { Metric = "" };
        });
        Assert.Equal(["spec.trainer.image", "spec.objective.metric", "spec.budget.maxTrials"], FineTuneJobValidator.Validate(job).Select(e => e.Path));
    }

    [Fact]
    public void Reserved_env_names_are_the_contract_variables_not_every_CT_name()
    {
        Assert.Contains("CT_PARAMS", FineTuneJobValidator.ReservedEnvNames);
        Assert.Contains("OTEL_RESOURCE_ATTRIBUTES", FineTuneJobValidator.ReservedEnvNames);
        Assert.DoesNotContain("/dev/termination-log", FineTuneJobValidator.ReservedEnvNames);
        Assert.DoesNotContain("x-clustertune-token", FineTuneJobValidator.ReservedEnvNames);
        Assert.Empty(FineTuneJobValidator.Validate(TestJobs.Minimal().With(s => s.Trainer.Env = [new V1EnvVar { Name = "CT_THREADS", Value = "1" }, new V1EnvVar { Name = "OTEL_METRIC_EXPORT_INTERVAL", Value = "500" }])));
    }

    [Fact]
    public void Missing_spec_is_one_clear_error()
    {
        var errors = FineTuneJobValidator.ValidateSpec(null);
        Assert.Equal("spec", Assert.Single(errors).Path);
    }

    [Fact]
    public void Validation_does_not_change_the_job()
    {
        var job = TestJobs.Minimal();
        FineTuneJobValidator.Validate(job);
        Assert.Null(job.Spec.SearchSpace);
        Assert.Null(job.Spec.Budget);
    }
}
