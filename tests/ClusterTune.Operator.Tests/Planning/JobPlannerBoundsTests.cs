using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Issue 13: paths outside the operator's root fail validation; a wide parallelism ramps up in batches.</summary>
public sealed class JobPlannerBoundsTests
{
    [Theory]
    [InlineData("../../etc", null, "spec.checkpoints.storageRoot")]
    [InlineData(null, "/home/someone/models", "spec.checkpoints.promotePath")]
    public void A_checkpoint_path_outside_the_root_fails_validation_with_its_field(string? storageRoot, string? promotePath, string field)
    {
        // "../../etc" is refused at admission too; the planner refuses it again against the real root.
        var plan = PlanJob(Job(s => s.Checkpoints = new CheckpointSpec { StorageRoot = storageRoot, PromotePath = promotePath }));

        Assert.Empty(plan.TrialsToCreate);
        var validated = Cond(plan.Status, ConditionTypes.Validated)!;
        Assert.Equal((ConditionStatus.False, ConditionReasons.SpecInvalid), (validated.Status, validated.Reason));
        Assert.Contains(field, validated.Message);
    }

    [Fact]
    public void A_path_under_the_root_is_valid()
    {
        var plan = PlanJob(Job(s => s.Checkpoints = new CheckpointSpec { StorageRoot = "team-a", PromotePath = Root + "/exports/sweep" }));
        Assert.Equal(ConditionStatus.True, Cond(plan.Status, ConditionTypes.Validated)!.Status);
        Assert.NotEmpty(plan.TrialsToCreate);
    }

    [Fact]
    public void Trials_are_created_in_batches_and_the_next_batch_comes_soon()
    {
        // A continuous lrFactor: the fixture's 3 discrete settings would be exhausted (samplers never repeat a setting).
        var job = Job(s =>
        {
            s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Random };
            s.Budget = new BudgetSpec { MaxTrials = 200, Parallelism = 200 };
            s.SearchSpace!.LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.001, Max = 1, Scale = ParameterScale.Log };
        });

        var first = PlanJob(job);
        Assert.Equal(JobPlanner.MaxTrialCreatesPerReconcile, first.TrialsToCreate.Count);
        Assert.Equal(JobPlanner.NextCreateBatch, first.RequeueAfter);

        var second = PlanJob(After(job, first), first.TrialsToCreate);
        Assert.Equal(JobPlanner.MaxTrialCreatesPerReconcile, second.TrialsToCreate.Count);
        Assert.Equal(Enumerable.Range(JobPlanner.MaxTrialCreatesPerReconcile, JobPlanner.MaxTrialCreatesPerReconcile), second.TrialsToCreate.Select(t => t.Spec.Index));
    }

    [Fact]
    public void A_batch_below_the_cap_does_not_requeue_early()
    {
        var plan = PlanJob(Job(s => s.Budget = new BudgetSpec { MaxTrials = 4, Parallelism = 3 }));
        Assert.Equal(3, plan.TrialsToCreate.Count);
        Assert.NotEqual(JobPlanner.NextCreateBatch, plan.RequeueAfter);
    }
}
