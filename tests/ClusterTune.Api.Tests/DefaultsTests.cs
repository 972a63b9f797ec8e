using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class DefaultsTests
{
    [Fact]
    public void Minimal_spec_gets_every_documented_default()
    {
        var s = FineTuneJobDefaults.Apply(TestJobs.Minimal().Spec);
        Assert.Equal(10, s.Trainer.Epochs);
        Assert.Equal(64, s.Trainer.BatchSize);
        Assert.Equal(0.001, s.Trainer.PretrainingLearningRate);
        Assert.Equal(AlgorithmName.Random, s.Algorithm!.Name);
        Assert.Equal(0, s.Algorithm.Seed);
        Assert.Equal("accuracy", s.Objective!.Metric);
        Assert.Equal(ObjectiveDirection.Maximize, s.Objective.Direction);
        Assert.Equal(EarlyStoppingType.None, s.EarlyStopping!.Type);
        Assert.Null(s.EarlyStopping.MinResource);
        Assert.Equal(12, s.Budget!.MaxTrials);
        Assert.Equal(2, s.Budget.Parallelism);
        Assert.Equal(3, s.Budget.MaxFailedTrials);
        Assert.Null(s.Budget.MaxDuration);
        Assert.Null(s.Budget.MaxGpuHours);
        Assert.Equal(3, s.Checkpoints!.KeepTop);
        Assert.Equal(CheckpointDeletePolicy.KeepPromoted, s.Checkpoints.DeletePolicy);
        Assert.Equal(3, s.RetryPolicy!.MaxAttempts);
        Assert.False(s.RetryPolicy.RetryOnOom);
        Assert.Equal("10m", s.RetryPolicy.HeartbeatTimeout);
        Assert.False(s.Suspend);
    }

    [Fact]
    public void Effective_spec_reads_the_applied_defaults_and_keeps_the_users_values()
    {
        var job = TestJobs.Minimal().With(s =>
        {
            s.Objective = new ObjectiveSpec { Metric = "val_loss" };
            s.Budget = new BudgetSpec { MaxTrials = 1 };
            s.RetryPolicy = new RetryPolicy { MaxAttempts = 5 };
            s.Trainer.Epochs = 7;
        });

        var e = FineTuneJobDefaults.Apply(job.Spec);

        Assert.Equal((7, "val_loss", ObjectiveDirection.Minimize, AlgorithmName.Random), (e.Epochs, e.Metric, e.Direction, e.AlgorithmName));
        Assert.Equal((1, 1, 3), (e.MaxTrials, e.Parallelism, e.KeepTop));
        Assert.Equal(7, e.MaxResource);
        Assert.Equal(5 + 2, e.AllowedAttempts(new TrialSpec { JobName = "j", Rung = 2 }));
        Assert.Equal(7, e.TrialEpochs(new TrialSpec { JobName = "j" }));
        Assert.Equal(3, e.TrialEpochs(new TrialSpec { JobName = "j", Epochs = 3 }));
        Assert.False(e.Suspend);
        FineTuneJobSpec plain = e;
        Assert.Same(e.Spec, plain);
        Assert.Null(job.Spec.Budget!.Parallelism); // the input is never changed
    }

    [Fact]
    public void Absent_knobs_get_default_ranges_present_ones_are_kept()
    {
        var job = TestJobs.Minimal().With(s => s.SearchSpace = new SearchSpace { LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 16] } });
        var space = FineTuneJobDefaults.Apply(job.Spec).SearchSpace!;
        Assert.Equal(ParameterType.Int, space.FreezeDepth!.Type);
        Assert.Equal((0.0, 2.0, 1.0), (space.FreezeDepth.Min!.Value, space.FreezeDepth.Max!.Value, space.FreezeDepth.Step!.Value));
        Assert.Equal(ParameterType.Float, space.LrFactor!.Type);
        Assert.Equal(ParameterScale.Log, space.LrFactor.Scale);
        Assert.Equal([ParamValue.Of(0), ParamValue.Of(16)], space.LoraRank!.Values);
        // lrFactor was not given, so LoRA trials get their own range (docs/experiments.md#b-lr-factor).
        Assert.Equal(["freezeDepth", "lrFactor", "loraLrFactor", "loraRank"], space.AllParameters().Select(p => p.Key));
    }

    [Fact]
    public void Cmaes_gets_loraRank_as_an_int_range_over_the_same_values_and_validates()
    {
        var job = TestJobs.Minimal().With(s => s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.CmaEs });
        var s = FineTuneJobDefaults.Apply(job.Spec);
        var rank = s.SearchSpace!.LoraRank!;
        Assert.Equal((ParameterType.Int, 0.0, 8.0, 4.0), (rank.Type!.Value, rank.Min!.Value, rank.Max!.Value, rank.Step!.Value));
        Assert.Equal(ParameterType.Float, s.SearchSpace.LrFactor!.Type);
        Assert.Empty(FineTuneJobValidator.Validate(job));
    }

    [Fact]
    public void Grid_gets_discrete_lrFactor_and_maxTrials_equal_to_the_grid_size()
    {
        var job = TestJobs.Minimal().With(s => s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid });
        var s = FineTuneJobDefaults.Apply(job.Spec);
        Assert.Equal(ParameterType.Categorical, s.SearchSpace!.LrFactor!.Type);
        // freezeDepth 0..2 (3) x (lrFactor 0.1..10 (5) for loraRank 0 + loraLrFactor 1..10 (3) for loraRank 4 and 8)
        Assert.Equal(3 * (5 + (3 * 2)), s.Budget!.MaxTrials);
        Assert.Empty(FineTuneJobValidator.Validate(job));
    }

    public static TheoryData<string, EarlyStoppingSpec, int, (int? Min, int? Max, int? Rf, EarlyStoppingMode? Mode, int? Brackets, int? Grace, int? MinTrials)> EarlyStoppingRows() => new()
    {
        { "asha", new EarlyStoppingSpec { Type = EarlyStoppingType.Asha }, 9, (1, 9, 3, EarlyStoppingMode.Stop, 1, null, null) },
        { "asha promote kept", new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, Mode = EarlyStoppingMode.Promote, MinResource = 2 }, 8, (2, 8, 3, EarlyStoppingMode.Promote, 1, null, null) },
        { "hyperband 1..27 rf 3", new EarlyStoppingSpec { Type = EarlyStoppingType.Hyperband }, 27, (1, 27, 3, EarlyStoppingMode.Stop, 4, null, null) },
        { "hyperband 1..8 rf 2", new EarlyStoppingSpec { Type = EarlyStoppingType.Hyperband, ReductionFactor = 2 }, 8, (1, 8, 2, EarlyStoppingMode.Stop, 4, null, null) },
        { "median", new EarlyStoppingSpec { Type = EarlyStoppingType.Median }, 5, (null, null, null, null, null, 1, 3) },
    };

    [Theory]
    [MemberData(nameof(EarlyStoppingRows))]
    public void Early_stopping_defaults_follow_the_type(string name, EarlyStoppingSpec given, int epochs, (int? Min, int? Max, int? Rf, EarlyStoppingMode? Mode, int? Brackets, int? Grace, int? MinTrials) expected)
    {
        var job = TestJobs.Minimal().With(s => { s.EarlyStopping = given; s.Trainer.Epochs = epochs; });
        var e = FineTuneJobDefaults.Apply(job.Spec).EarlyStopping!;
        Assert.True(expected == (e.MinResource, e.MaxResource, e.ReductionFactor, e.Mode, e.Brackets, e.GracePeriod, e.MinTrials),
            $"{name}: got {(e.MinResource, e.MaxResource, e.ReductionFactor, e.Mode, e.Brackets, e.GracePeriod, e.MinTrials)}");
        Assert.Empty(FineTuneJobValidator.Validate(job));
    }

    [Theory]
    [InlineData("accuracy", ObjectiveDirection.Maximize)]
    [InlineData("f1", ObjectiveDirection.Maximize)]
    [InlineData("loss", ObjectiveDirection.Minimize)]
    [InlineData("eval_loss", ObjectiveDirection.Minimize)]
    [InlineData("error_rate", ObjectiveDirection.Minimize)]
    public void Direction_defaults_from_the_metric_name(string metric, ObjectiveDirection expected) =>
        Assert.Equal(expected, FineTuneJobDefaults.Apply(TestJobs.Minimal().With(s => s.Objective = new ObjectiveSpec { Metric = metric }).Spec).Objective!.Direction);

    [Fact]
    public void Parallelism_default_never_exceeds_maxTrials()
    {
        var s = FineTuneJobDefaults.Apply(TestJobs.Minimal().With(s => s.Budget = new BudgetSpec { MaxTrials = 1 }).Spec);
        Assert.Equal(1, s.Budget!.Parallelism);
    }

    [Fact]
    public void Apply_is_pure_and_idempotent()
    {
        var job = TestJobs.Full();
        var before = System.Text.Json.JsonSerializer.Serialize(job.Spec, ApiJson.Options);
        var once = FineTuneJobDefaults.Apply(job.Spec);
        var twice = FineTuneJobDefaults.Apply(once);
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(job.Spec, ApiJson.Options));
        Assert.NotSame(job.Spec, once);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(once, ApiJson.Options), System.Text.Json.JsonSerializer.Serialize(twice, ApiJson.Options));
        // user values survive: the full job sets every field
        Assert.Equal(before, System.Text.Json.JsonSerializer.Serialize(once, ApiJson.Options)
            .Replace(",\"scale\":\"linear\",\"step\":1", "", StringComparison.Ordinal)
            .Replace(",\"scale\":\"linear\"", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Grid_size_is_null_for_continuous_dimensions()
    {
        Assert.Null(FineTuneJobDefaults.GridSize(new SearchSpace { LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.1, Max = 1 } }));
        Assert.Equal(6, FineTuneJobDefaults.GridSize(new SearchSpace { Parameters = new() { ["d"] = new ParameterSpec { Type = ParameterType.Float, Min = 0, Max = 0.5, Step = 0.1 } } }));
    }
}
