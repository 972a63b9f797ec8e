using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Commands;
using static ClusterTune.Cli.Tests.Inspection.Objects;

namespace ClusterTune.Cli.Tests.Inspection;

/// <summary>`ctune best` under seedsPerConfig: the setting's mean ± sd next to the best seed's own objective.</summary>
public sealed class BestRenderTests
{
    [Fact]
    public void Seeds_are_shown_as_mean_and_sd_only_when_reported()
    {
        var job = Job(configure: j => j.Spec.Algorithm = new AlgorithmSpec { SeedsPerConfig = 3 });
        var text = BestCommand.Render(job, new BestTrial { Name = "demo-4", Index = 4, Objective = 0.93, ObjectiveMean = 0.91, ObjectiveStdDev = 0.015, Seeds = 3 });
        Assert.Contains("over seeds:  0.91 ± 0.015 (mean ± sd of 3 seed(s) of these params, algorithm.seedsPerConfig 3)", text);
        Assert.DoesNotContain("over seeds", BestCommand.Render(Job(), new BestTrial { Name = "demo-1", Objective = 0.9 }));
    }

    [Fact]
    public void The_pareto_front_is_listed_under_the_best_trial()
    {
        var job = Job(configure: j =>
        {
            j.Spec.Objectives = [new ObjectiveSpec { Metric = "accuracy" }, new ObjectiveSpec { Metric = ObjectiveSpec.TrainableFraction, Direction = ObjectiveDirection.Minimize }];
            j.Status!.ParetoFrontSize = 2;
            j.Status.ParetoFront =
            [
                new ParetoMember { Name = "demo-3", Index = 3, Values = new() { ["accuracy"] = 0.97, [ObjectiveSpec.TrainableFraction] = 1 } },
                new ParetoMember { Name = "demo-1", Index = 1, Values = new() { ["accuracy"] = 0.93, [ObjectiveSpec.TrainableFraction] = 0.05 } },
            ];
        });
        var text = BestCommand.Render(job, new BestTrial { Name = "demo-3", Index = 3, Objective = 0.97 });
        Assert.Contains("pareto front: 2 trial(s) over accuracy (maximize), trainableFraction (minimize)", text);
        Assert.Contains("  demo-1 (index 1): accuracy=0.93, trainableFraction=0.05", text);
    }
}
