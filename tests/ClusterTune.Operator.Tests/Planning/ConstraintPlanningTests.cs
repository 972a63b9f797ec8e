using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>maxTrainableParamsFraction is evaluated before a trial starts: violating settings are never created.</summary>
public sealed class ConstraintPlanningTests
{
    // freezeDepth 0..2 × loraRank {0, 4, 8} of clustertune-cnn-v1; fractions (ArchitectureShape):
    // d0: 1.0 0.069 0.118 · d1: 0.955 0.062 0.106 · d2: 0.870 0.051 0.086.
    [Theory]
    [InlineData("clustertune-cnn-v1", 0.1, true, 9, 5)]
    [InlineData("clustertune-cnn-v1", 0.11, true, 9, 4)]
    [InlineData("clustertune-cnn-v1", 1.0, true, 9, 0)]
    [InlineData("my-own-net", 0.1, false, null, null)]
    [InlineData(null, 0.1, false, null, null)]
    public void The_census_counts_the_settings_the_limit_rules_out(string? architecture, double limit, bool checkedBeforeStart, int? settings, int? infeasible)
    {
        var spec = Spec(s => Constrain(s, architecture, limit));
        var census = TrainableFractionConstraint.Census(spec)!;
        Assert.Equal(checkedBeforeStart, census.CheckedBeforeStart);
        Assert.Equal(settings, census.Settings);
        Assert.Equal(infeasible, census.InfeasibleSettings);
        Assert.Contains("maxTrainableParamsFraction", census.Message);
        Assert.Equal(checkedBeforeStart, TrainableFractionConstraint.Predicate(spec) is not null);
    }

    [Fact]
    public void Without_a_limit_there_is_no_census_and_no_predicate()
    {
        var spec = Spec();
        Assert.Null(TrainableFractionConstraint.Census(spec));
        Assert.Null(TrainableFractionConstraint.Predicate(spec));
    }

    [Theory]
    [InlineData(AlgorithmName.Random)]
    [InlineData(AlgorithmName.Grid)]
    [InlineData(AlgorithmName.Sobol)]
    [InlineData(AlgorithmName.Tpe)]
    public void No_sampler_creates_a_trial_above_the_limit_and_the_status_counts_the_skipped_settings(AlgorithmName algorithm)
    {
        var job = Job(s =>
        {
            Constrain(s, ArchitectureShape.ReferenceCnn.Name, 0.1);
            s.Algorithm = new AlgorithmSpec { Name = algorithm, Seed = 11 };
            s.Budget = new BudgetSpec { Parallelism = 20, MaxTrials = 20 };
        });
        var plan = PlanJob(job);
        Assert.NotEmpty(plan.TrialsToCreate);
        Assert.All(plan.TrialsToCreate, t =>
        {
            var depth = (int)t.Spec.Params[KnobNames.FreezeDepth].AsInt64();
            var rank = (int)t.Spec.Params[KnobNames.LoraRank].AsInt64();
            Assert.True(ArchitectureShape.ReferenceCnn.TrainableFraction(depth, rank) <= 0.1, $"{algorithm} created freezeDepth {depth} loraRank {rank}");
        });
        Assert.Equal(5, plan.Status.Constraints!.InfeasibleSettings);
        Assert.Contains("5 of 9", plan.Status.Constraints.Message);
    }

    [Fact]
    public void A_limit_no_setting_can_meet_is_a_spec_error_naming_the_field()
    {
        var plan = PlanJob(Job(s => Constrain(s, ArchitectureShape.ReferenceCnn.Name, 0.01)));
        Assert.Empty(plan.TrialsToCreate);
        Assert.Equal(FineTuneJobPhase.Failed, plan.Status.Phase);
        Assert.Contains(TrainableFractionConstraint.FieldPath, plan.Status.Message);
        Assert.Contains("all 9", plan.Status.Message);
    }

    [Fact]
    public void The_limit_is_passed_to_every_trial_pod()
    {
        var job = Job(s => Constrain(s, "my-own-net", 0.2));
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var pod = PodTemplate.Build(job, spec, Trial(0), 1, "t", new OperatorOptions { CheckpointRoot = "file://" + Root });
        Assert.Equal("0.2", pod.Spec!.Containers.Single().Env!.Single(e => e.Name == TrialEnv.MaxTrainableParamsFraction).Value);
    }

    private static void Constrain(FineTuneJobSpec s, string? architecture, double limit)
    {
        s.Model.Architecture = architecture;
        s.SearchSpace!.FreezeDepth = new ParameterSpec { Type = ParameterType.Int, Min = 0, Max = 2 };
        s.SearchSpace.LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 4, 8] };
        s.SearchSpace.Constraints = new SearchConstraints { MaxTrainableParamsFraction = limit };
    }
}
