using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// maxTrainableParamsFraction end to end: a known architecture's violating settings never get a Trial or a pod; with
/// an architecture the operator cannot count, the trainer refuses the violating trial (ConstraintViolated).
/// </summary>
public sealed class ConstraintScenarioTests
{
    [Fact]
    public async Task Violating_settings_never_run_when_countable_and_are_refused_by_the_trainer_otherwise()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(Constrained("known", ArchitectureShape.ReferenceCnn.Name));
        await h.Client.CreateAsync(Constrained("unknown", null));

        var known = await h.WaitForJobAsync("known", SweepHarness.Finished);
        Assert.Equal(FineTuneJobPhase.Succeeded, known.Status!.Phase);
        Assert.Equal(1, known.Status.Trials!.Total);
        Assert.Equal(new[] { 4L }, (await h.TrialsAsync("known")).Select(t => t.Spec.Params[KnobNames.LoraRank].AsInt64()));
        Assert.Single(await h.PodsAsync("known"));
        Assert.Equal((true, 2, 1), (known.Status.Constraints!.CheckedBeforeStart, known.Status.Constraints.Settings, known.Status.Constraints.InfeasibleSettings));

        var unknown = await h.WaitForJobAsync("unknown", SweepHarness.Finished);
        Assert.False(unknown.Status!.Constraints!.CheckedBeforeStart);
        var refused = (await h.TrialsAsync("unknown")).Single(t => t.Spec.Params[KnobNames.LoraRank].AsInt64() == 0);
        Assert.Equal(TrialPhase.Failed, refused.Status!.Phase);
        Assert.Equal(TrialReasons.ConstraintViolated, refused.Status.Reason);
        Assert.Equal(4L, unknown.Status.BestTrial!.Params![KnobNames.LoraRank].AsInt64());
    }

    private static FineTuneJob Constrained(string name, string? architecture)
    {
        var job = SweepHarness.GridJob(name, [0.1], [0]);
        job.Spec.Model.Architecture = architecture;
        job.Spec.SearchSpace!.LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [ParamValue.Of(0L), ParamValue.Of(4L)] };
        job.Spec.SearchSpace.Constraints = new SearchConstraints { MaxTrainableParamsFraction = 0.1 };
        job.Spec.Budget!.MaxFailedTrials = 1;
        return job;
    }
}
