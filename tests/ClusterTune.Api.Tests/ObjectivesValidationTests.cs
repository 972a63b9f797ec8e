using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Api.Tests;

/// <summary>spec.objectives: defaults copy the primary into spec.objective; bad lists name the field and a fix.</summary>
public sealed class ObjectivesValidationTests
{
    private static ObjectiveSpec O(string metric, ObjectiveDirection? d = null) => new() { Metric = metric, Direction = d };

    public static TheoryData<string, Action<FineTuneJob>, string?> Cases() => new()
    {
        { "two objectives", j => j.Spec.Objectives = [O("accuracy"), O("trainableFraction", ObjectiveDirection.Minimize)], null },
        { "objective repeats objectives[0]", j => { j.Spec.Objectives = [O("loss"), O("gpuHours")]; j.Spec.Objective = new ObjectiveSpec { Metric = "loss", Target = 0.1 }; }, null },
        { "empty list", j => j.Spec.Objectives = [], "spec.objectives" },
        { "five objectives", j => j.Spec.Objectives = [O("a"), O("b"), O("c"), O("d"), O("e")], "spec.objectives" },
        { "duplicate metric", j => j.Spec.Objectives = [O("accuracy"), O("accuracy")], "spec.objectives[1].metric" },
        { "bad metric name", j => j.Spec.Objectives = [O("accuracy"), O("not a name")], "spec.objectives[1].metric" },
        { "status value as primary", j => j.Spec.Objectives = [O("trainableFraction"), O("accuracy")], "spec.objectives[0].metric" },
        { "per-objective target", j => j.Spec.Objectives = [O("accuracy"), new ObjectiveSpec { Metric = "loss", Target = 0.2 }], "spec.objectives[1].target" },
        { "objective disagrees with objectives[0]", j => { j.Spec.Objectives = [O("accuracy"), O("gpuHours")]; j.Spec.Objective = O("loss"); }, "spec.objective" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Objectives_are_validated_with_the_field_path(string name, Action<FineTuneJob> change, string? path)
        => TestJobs.AssertValidation(name, change, path);

    [Fact]
    public void The_primary_objective_defaults_spec_objective_and_each_direction_follows_its_name()
    {
        var job = TestJobs.Minimal();
        job.Spec.Objectives = [O("val_loss"), O("accuracy"), O("gpuHours", ObjectiveDirection.Minimize)];
        var s = FineTuneJobDefaults.Apply(job.Spec);
        Assert.Equal(("val_loss", ObjectiveDirection.Minimize), (s.Objective!.Metric, s.Objective.Direction!.Value));
        Assert.Equal([ObjectiveDirection.Minimize, ObjectiveDirection.Maximize, ObjectiveDirection.Minimize], s.Objectives!.Select(o => o.Direction!.Value));
    }
}
