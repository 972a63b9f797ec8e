using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// No wasted repeats end to end: a random sweep with more budget than settings runs each setting once and ends as
/// exhausted; every trial trains with its own seed (the contract trainer echoes CT_SEED as a metric); seedsPerConfig
/// repeats on purpose and reports mean ± sd.
/// </summary>
public sealed class RepeatScenarioTests
{
    [Fact]
    public async Task Settings_run_once_with_their_own_seeds_and_seedsPerConfig_reports_mean_and_sd()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        var once = SweepHarness.GridJob("once", [0.1, 1.0], [0, 1]);
        once.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Random, Seed = 5 };
        once.Spec.Budget = new BudgetSpec { MaxTrials = 10, Parallelism = 2 };
        await h.Client.CreateAsync(once);
        var seeded = SweepHarness.GridJob("seeded", [0.1, 1.0], [0], env: ("CT_FAKE_SEED_NOISE", "0.1"));
        seeded.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid, Seed = 5, SeedsPerConfig = 3 };
        await h.Client.CreateAsync(seeded);

        var job = await h.WaitForJobAsync("once", SweepHarness.Finished);
        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        var complete = Conditions.Find(job.Status.Conditions, ConditionTypes.Complete)!;
        Assert.Equal(ConditionReasons.SearchSpaceExhausted, complete.Reason);
        Assert.Contains("all 4 settings", complete.Message);
        var trials = await h.TrialsAsync("once");
        Assert.Equal(4, trials.Count);
        Assert.Equal(4, trials.Select(t => PodParams(t)).Distinct().Count());
        Assert.Equal(4, trials.Select(t => t.Status!.Seed).Distinct().Count());
        Assert.All(trials, t => Assert.Equal(t.Spec.Seed, t.Status!.Seed));
        Assert.All(trials, t => Assert.Equal((double)t.Status!.Seed!.Value, t.Status.Metrics!["seed"]));

        var repeated = await h.WaitForJobAsync("seeded", SweepHarness.Finished);
        Assert.Equal(6, repeated.Status!.Trials!.Succeeded);
        var best = repeated.Status.BestTrial!;
        Assert.Equal(0.1, best.Params![KnobNames.LrFactor].AsDouble());
        Assert.Equal(3, best.Seeds);
        Assert.True(best.ObjectiveStdDev > 0, $"sd {best.ObjectiveStdDev}");
        var group = (await h.TrialsAsync("seeded")).Where(t => t.Spec.Params[KnobNames.LrFactor].AsDouble() == 0.1).Select(t => t.Status!.Objective!.Value).ToList();
        Assert.Equal(group.Average(), best.ObjectiveMean!.Value, 9);
        // The promoted checkpoint is the one bestTrial names, not merely the luckiest seed of any setting.
        using var provenance = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(best.PromotedUri!, ClusterTune.Operator.Checkpoints.CheckpointManager.ProvenanceFile)));
        Assert.Equal(best.Name, provenance.RootElement.GetProperty("trial").GetString());
    }

    private static string PodParams(Trial t) => string.Join(",", t.Spec.Params.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
}
