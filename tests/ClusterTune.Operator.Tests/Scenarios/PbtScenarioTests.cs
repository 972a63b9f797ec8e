using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// PBT end to end on the contract trainer (objective 1 - |log10(lrFactor) + 1| / 4, best at lrFactor 0.1): at the
/// boundary the lagging member takes the leader's checkpoint and explored parameters, continues from its epoch, and
/// ends better than it was; the lineage is in its status.
/// </summary>
public sealed class PbtScenarioTests
{
    [Fact]
    public async Task The_lagging_member_continues_from_the_leaders_checkpoint_and_improves()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        var job = SweepHarness.GridJob("pbt", [0.1], [0], parallelism: 4, epochs: 4, epochSeconds: 0.2);
        job.Spec.SearchSpace!.LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.001, Max = 1, Scale = ParameterScale.Log };
        job.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Pbt, Seed = 11, Pbt = new PbtSpec { PerturbationInterval = 2, QuantileFraction = 0.25 } };
        job.Spec.Budget = new BudgetSpec { MaxTrials = 4, Parallelism = 4 };
        await h.Client.CreateAsync(job);

        var done = await h.WaitForJobAsync("pbt", SweepHarness.Finished, TimeSpan.FromSeconds(120));
        Assert.Equal(FineTuneJobPhase.Succeeded, done.Status!.Phase);
        var trials = await h.TrialsAsync("pbt");
        Assert.Equal(4, trials.Count);
        var exploited = Assert.Single(trials, t => t.Status!.Lineage is { Count: > 0 });
        var step = Assert.Single(exploited.Status!.Lineage!);
        var donor = trials.Single(t => t.Metadata.Name == step.From);
        Assert.Equal(2, step.Epoch);

        // The laggard was the worst at epoch 2, the donor the best.
        double At(Trial t, int epoch) => t.Status!.Observations!.Single(o => o.Epoch == epoch).Value;
        Assert.All(trials, t => Assert.True(At(t, 2) >= At(exploited, 2)));
        Assert.All(trials, t => Assert.True(At(donor, 2) >= At(t, 2)));
        Assert.Equal(At(exploited, 2), step.Objective!.Value, 12);
        Assert.Equal(At(donor, 2), step.FromObjective!.Value, 12);

        // It continued with the donor's parameters, explored (× 0.8 or × 1.2), from the donor's checkpoint at epoch 2.
        var donorLr = donor.Spec.Params["lrFactor"].AsDouble();
        var lr = exploited.Spec.Params["lrFactor"].AsDouble();
        Assert.Contains(new[] { 0.8, 1.2 }, f => Math.Abs(donorLr * f - lr) < 1e-9 || lr is 0.001 or 1.0);
        Assert.Equal(lr, step.Params!["lrFactor"].AsDouble());
        var log = await h.PodLogAsync(ResourceNames.Pod("pbt", exploited.Spec.Index, 2));
        Assert.Contains("attempt 2 starts after epoch 2", log);
        Assert.Contains($"resumed from a checkpoint trained with lrFactor {Python(donorLr)}", log);

        // Every epoch once, the epoch count continued (3, 4 after 2), and the population improved: the laggard ends
        // at its new parameters' objective, above where it was.
        Assert.Equal([1, 2, 3, 4], exploited.Status.Observations!.Select(o => o.Epoch));
        Assert.Equal(4, exploited.Status.Epoch);
        Assert.Equal(SweepHarness.Objective(lr, 0), At(exploited, 4), 9);
        Assert.True(At(exploited, 4) > step.Objective.Value, $"{At(exploited, 4)} after the exploit vs {step.Objective.Value} before");
        Assert.All(trials, t => Assert.Equal(TrialPhase.Succeeded, t.Status!.Phase));
    }

    private static string Python(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
