using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>spec.objectives: the Pareto front in status; the sampler and early stopping use the primary objective.</summary>
public sealed class ParetoPlanningTests
{
    private static Trial Done(int index, double accuracy, double fraction, TrialPhase phase = TrialPhase.Succeeded) =>
        Trial(index, new TrialStatus { Phase = phase, Objective = accuracy, Epoch = 3, TrainableFraction = fraction, GpuSeconds = 3600 * (index + 1), Metrics = new() { ["accuracy"] = accuracy, ["loss"] = 1 - accuracy } });

    private static FineTuneJobSpec TwoObjectives(string second = ObjectiveSpec.TrainableFraction) => Spec(s => s.Objectives =
    [
        new ObjectiveSpec { Metric = "accuracy" },
        new ObjectiveSpec { Metric = second, Direction = ObjectiveDirection.Minimize },
    ]);

    // (accuracy max, trainableFraction min): 0 (0.95, 1.0) and 1 (0.93, 0.05) trade off; 2 (0.90, 0.06) is dominated by 1;
    // 3 (0.97, 1.0) dominates 0; 4 is not Succeeded; 5 has no fraction.
    [Fact]
    public void The_front_holds_the_non_dominated_succeeded_trials_best_primary_first()
    {
        var trials = new[] { Done(0, 0.95, 1.0), Done(1, 0.93, 0.05), Done(2, 0.90, 0.06), Done(3, 0.97, 1.0), Done(4, 0.99, 0.01, TrialPhase.Running), Trial(5, new TrialStatus { Phase = TrialPhase.Succeeded, Objective = 0.999 }) };
        var front = ParetoSelector.Front(trials, TwoObjectives())!;
        Assert.Equal([3, 1], front.Select(m => m.Index!.Value));
        Assert.Equal(0.05, front[1].Values![ObjectiveSpec.TrainableFraction]);
        Assert.Equal(0.93, front[1].Values!["accuracy"]);
    }

    // Trial 0 used 1 GPU-hour, trial 3 used 4; loss = 1 - accuracy is the primary objective in disguise.
    [Theory]
    [InlineData(ObjectiveSpec.GpuHours, new[] { 3, 0 })]
    [InlineData("loss", new[] { 3 })]
    public void Secondary_objectives_come_from_status_values_or_result_metrics(string second, int[] expected)
    {
        var trials = new[] { Done(0, 0.95, 1.0), Done(3, 0.97, 1.0) };
        Assert.Equal(expected, ParetoSelector.Front(trials, TwoObjectives(second))!.Select(m => m.Index!.Value));
    }

    [Fact]
    public void One_objective_has_no_front_and_the_planner_writes_the_front_to_status()
    {
        Assert.Null(ParetoSelector.Front([Done(0, 0.9, 0.1)], Spec()));
        var job = Job(s => s.Objectives = [new ObjectiveSpec { Metric = "accuracy" }, new ObjectiveSpec { Metric = ObjectiveSpec.TrainableFraction, Direction = ObjectiveDirection.Minimize }]);
        job.Status = PlanJob(Job(s => s.Objectives = job.Spec.Objectives)).Status;
        var status = PlanJob(job, [Done(0, 0.95, 1.0), Done(1, 0.93, 0.05), Done(2, 0.90, 0.06)]).Status;
        Assert.Equal(["sweep-0", "sweep-1"], status.ParetoFront!.Select(m => m.Name));
        Assert.Equal(2, status.ParetoFrontSize);
        Assert.Equal("sweep-0", status.BestTrial!.Name); // bestTrial follows the primary objective
    }

    [Fact]
    public void The_search_and_early_stopping_optimise_the_primary_objective()
    {
        var spec = Spec(s => { s.Objective = null; s.Objectives = [new ObjectiveSpec { Metric = "val_loss" }, new ObjectiveSpec { Metric = "accuracy" }]; });
        Assert.Equal(ClusterTune.Search.ObjectiveDirection.Minimize, SweepMapping.ToSweepConfig(spec).Direction);
        Assert.Equal("val_loss", spec.Objective!.Metric);
    }
}
