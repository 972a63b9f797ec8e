using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// Accuracy against trainable parameters end to end: the contract trainer reports trainableFraction 1.0 for full
/// fine-tuning and 0.05 with adapters, which cost 0.02 accuracy; the front holds one trial of each kind.
/// </summary>
public sealed class ParetoScenarioTests
{
    [Fact]
    public async Task The_pareto_front_of_accuracy_and_trainable_fraction_is_in_status()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        var job = SweepHarness.GridJob("pareto", [0.1, 1.0], [0]);
        job.Spec.SearchSpace!.LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [ParamValue.Of(0L), ParamValue.Of(4L)] };
        job.Spec.Objectives = [new ObjectiveSpec { Metric = "accuracy" }, new ObjectiveSpec { Metric = ObjectiveSpec.TrainableFraction, Direction = ObjectiveDirection.Minimize }];
        await h.Client.CreateAsync(job);

        var done = await h.WaitForJobAsync("pareto", SweepHarness.Finished);
        Assert.Equal(FineTuneJobPhase.Succeeded, done.Status!.Phase);
        Assert.Equal(2, done.Status.ParetoFrontSize);
        var trials = (await h.TrialsAsync("pareto")).ToDictionary(t => t.Metadata.Name!);
        var front = done.Status.ParetoFront!.Select(m => trials[m.Name].Spec.Params).ToList();
        Assert.Equal([(0.1, 0L), (0.1, 4L)], front.Select(p => (p[KnobNames.LrFactor].AsDouble(), p[KnobNames.LoraRank].AsInt64())));
        Assert.Equal(0.05, done.Status.ParetoFront![1].Values![ObjectiveSpec.TrainableFraction]);
        Assert.Equal(done.Status.BestTrial!.Name, done.Status.ParetoFront[0].Name);
    }
}
