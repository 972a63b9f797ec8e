using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Each trial its own seed (spec, status, CT_SEED); seedsPerConfig groups reported as mean ± sd.</summary>
public sealed class RepeatPlanningTests
{
    [Fact]
    public void Every_created_trial_has_its_own_seed_and_the_pod_gets_it()
    {
        var plan = PlanJob(Job(s => s.Budget = new BudgetSpec { Parallelism = 3 }));
        var seeds = plan.TrialsToCreate.Select(t => t.Spec.Seed).ToList();
        Assert.Equal(3, seeds.Count);
        Assert.All(seeds, s => Assert.NotNull(s));
        Assert.Equal(3, seeds.Distinct().Count());

        var trial = plan.TrialsToCreate[1];
        var job = Job();
        var pod = PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), trial, 1, "t", new OperatorOptions { CheckpointRoot = "file://" + Root });
        Assert.Equal(trial.Spec.Seed!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            pod.Spec!.Containers.Single().Env!.Single(e => e.Name == TrialEnv.Seed).Value);
    }

    [Fact]
    public void The_seed_is_recorded_in_the_trial_status_when_its_pod_is_created()
    {
        var trial = Trial(0);
        trial.Spec.Seed = 12345;
        var plan = PlanTrial(trial, Spec(), []);
        Assert.Equal(12345, plan.Status!.Seed);
    }

    [Fact]
    public void SeedsPerConfig_runs_each_setting_several_times_and_defaults_the_grid_budget_to_match()
    {
        var job = Job(s => s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid, Seed = 1, SeedsPerConfig = 2 });
        Assert.Equal(6, FineTuneJobDefaults.Apply(job.Spec).Budget!.MaxTrials);
        job.Spec.Budget = new BudgetSpec { Parallelism = 6 };
        var created = PlanJob(job).TrialsToCreate;
        Assert.Equal(6, created.Count);
        Assert.All(created.Chunk(2), pair => Assert.Equal(JobPlanner.ParamsText(pair[0].Spec.Params), JobPlanner.ParamsText(pair[1].Spec.Params)));
        Assert.Equal(3, created.Select(t => JobPlanner.ParamsText(t.Spec.Params)).Distinct().Count());
        Assert.Equal(6, created.Select(t => t.Spec.Seed).Distinct().Count());
    }

    // Objectives by trial (params rank 0/4 alternate by pair): setting A = {0.90, 0.70} mean 0.80; B = {0.85, 0.83} mean 0.84.
    [Theory]
    [InlineData(ObjectiveDirection.Maximize, 3, 0.84, 0.0141421356)]
    [InlineData(ObjectiveDirection.Minimize, 1, 0.80, 0.1414213562)]
    public void The_best_setting_is_chosen_by_its_mean_over_seeds(ObjectiveDirection direction, int bestIndex, double mean, double sd)
    {
        var a = new Dictionary<string, ParamValue> { [KnobNames.LoraRank] = 0L };
        var b = new Dictionary<string, ParamValue> { [KnobNames.LoraRank] = 4L };
        var trials = new[] { Scored(0, a, 0.90), Scored(1, a, 0.70), Scored(2, b, 0.83), Scored(3, b, 0.85) };
        var best = SeedGroups.Best(trials, direction)!;
        Assert.Equal(bestIndex, best.Best.Spec.Index);
        Assert.Equal(mean, best.Mean, 9);
        Assert.Equal(sd, best.StdDev, 9);
        Assert.Equal(2, best.Seeds);
    }

    [Fact]
    public void The_status_reports_mean_and_sd_of_the_best_setting()
    {
        var job = Job(s => s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid, Seed = 1, SeedsPerConfig = 2 });
        job.Status = PlanJob(Job(s => s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid, Seed = 1, SeedsPerConfig = 2 })).Status;
        var a = new Dictionary<string, ParamValue> { [KnobNames.LoraRank] = 0L };
        var b = new Dictionary<string, ParamValue> { [KnobNames.LoraRank] = 4L };
        // Trial 0 is the single best run, but its setting's mean is lower: the setting of trials 2 and 3 wins.
        var best = PlanJob(job, [Scored(0, a, 0.95), Scored(1, a, 0.60), Scored(2, b, 0.90), Scored(3, b, 0.88)]).Status.BestTrial!;
        Assert.Equal(2, best.Index);
        Assert.Equal((0.89, 2), (Math.Round(best.ObjectiveMean!.Value, 9), best.Seeds!.Value));
        Assert.Equal(Math.Sqrt(0.0002), best.ObjectiveStdDev!.Value, 9);
    }

    private static Trial Scored(int index, Dictionary<string, ParamValue> parameters, double objective) =>
        Trial(index, Status(TrialPhase.Succeeded, objective: objective, epoch: 3), parameters: parameters);
}
