using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Api.Tests;

/// <summary>Issue 13: sizes, fan-out and checkpoint paths are bounded at admission with the field path and a fix.</summary>
public sealed class ValidationBoundsTests
{
    private static readonly string Huge = new('m', 1 << 20);

    private static ParameterSpec Cat(int n) => new() { Type = ParameterType.Categorical, Values = [.. Enumerable.Range(0, n).Select(i => (ParamValue)i)] };

    public static TheoryData<string, Action<FineTuneJob>, string> Bounded() => new()
    {
        { "1 MB metric name", j => j.Spec.Objective = new ObjectiveSpec { Metric = Huge }, "spec.objective.metric" },
        { "1 MB image", j => j.Spec.Trainer.Image = Huge, "spec.trainer.image" },
        { "1 MB model uri", j => j.Spec.Model.BaseCheckpointUri = Huge, "spec.model.baseCheckpointUri" },
        { "1 MB train uri", j => j.Spec.Dataset.TrainUri = Huge, "spec.dataset.trainUri" },
        { "1 MB architecture", j => j.Spec.Model.Architecture = Huge, "spec.model.architecture" },
        { "1 MB storage root", j => j.Spec.Checkpoints = new CheckpointSpec { StorageRoot = Huge }, "spec.checkpoints.storageRoot" },
        { "parallelism 2000", j => j.Spec.Budget = new BudgetSpec { MaxTrials = 2000, Parallelism = 2000 }, "spec.budget.parallelism" },
        { "grid of 10^7 points", j => { j.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid }; j.Spec.SearchSpace = new SearchSpace { Parameters = new() { ["a"] = Cat(250), ["b"] = Cat(200), ["c"] = Cat(200) } }; }, "spec.searchSpace" },
        { "storageRoot ..", j => j.Spec.Checkpoints = new CheckpointSpec { StorageRoot = "../../etc" }, "spec.checkpoints.storageRoot" },
        { "storageRoot %2e%2e", j => j.Spec.Checkpoints = new CheckpointSpec { StorageRoot = "file:///checkpoints/%2e%2e/etc" }, "spec.checkpoints.storageRoot" },
        { "storageRoot %252e", j => j.Spec.Checkpoints = new CheckpointSpec { StorageRoot = "/checkpoints/%252e%252e/etc" }, "spec.checkpoints.storageRoot" },
        { "promotePath backslash ..", j => j.Spec.Checkpoints = new CheckpointSpec { PromotePath = "exports\\..\\..\\x" }, "spec.checkpoints.promotePath" },
        { "promotePath s3", j => j.Spec.Checkpoints = new CheckpointSpec { PromotePath = "s3://bucket/best" }, "spec.checkpoints.promotePath" },
        { "promotePath NUL", j => j.Spec.Checkpoints = new CheckpointSpec { PromotePath = "best\0x" }, "spec.checkpoints.promotePath" },
    };

    [Theory]
    [MemberData(nameof(Bounded))]
    public void Out_of_bounds_values_name_the_field_and_a_fix_in_a_short_message(string name, Action<FineTuneJob> breakIt, string expectedPath)
    {
        var job = TestJobs.Minimal();
        breakIt(job);
        var errors = FineTuneJobValidator.Validate(job);
        var error = Assert.Single(errors, e => e.Path == expectedPath);
        Assert.False(string.IsNullOrWhiteSpace(error.Fix), name);
        // The message is written into status: it must never carry the huge value itself.
        Assert.True(FieldError.Join(errors).Length < 2000, $"{name}: {FieldError.Join(errors).Length} characters");
    }

    [Fact]
    public void Values_at_the_bounds_are_valid()
    {
        var job = TestJobs.Minimal().With(s =>
        {
            s.Objective = new ObjectiveSpec { Metric = "m" + new string('x', FieldLimits.MetricName - 1) };
            s.Budget = new BudgetSpec { MaxTrials = 300, Parallelism = FieldLimits.MaxParallelism };
            s.Checkpoints = new CheckpointSpec { StorageRoot = "team-a/x..y", PromotePath = "file:///checkpoints/exports/best" };
        });
        Assert.Empty(FineTuneJobValidator.Validate(job));
    }
}
