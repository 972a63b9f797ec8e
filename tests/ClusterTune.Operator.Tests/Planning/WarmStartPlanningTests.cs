using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>spec.warmStartFrom: which earlier trials fit this space, what status and conditions say, and that a missing source does not stop the sweep.</summary>
public sealed class WarmStartPlanningTests
{
    private static void RangeSpace(FineTuneJobSpec s)
    {
        s.SearchSpace = new SearchSpace
        {
            FreezeDepth = new ParameterSpec { Type = ParameterType.Int, Min = 0, Max = 3 },
            LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.01, Max = 1, Scale = ParameterScale.Log },
            LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 4] },
        };
        s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Tpe, Seed = 1 };
        s.Budget = new BudgetSpec { Parallelism = 2, MaxTrials = 6 };
    }

    private static S.SearchSpace Space => SweepMapping.ToSearchSpace(Spec(RangeSpace));

    public static TheoryData<string, string?> Assignments => new()
    {
        { "freezeDepth=1 lrFactor=0.1 loraRank=4", null },
        { "freezeDepth=3 lrFactor=1 loraRank=0", null },
        { "freezeDepth=1 lrFactor=2 loraRank=4", "have lrFactor outside this search space" },
        { "freezeDepth=1 lrFactor=0.005 loraRank=4", "have lrFactor outside this search space" },
        { "freezeDepth=1 lrFactor=0.1 loraRank=16", "have loraRank outside this search space" },
        { "freezeDepth=4 lrFactor=0.1 loraRank=0", "have freezeDepth outside this search space" },
        { "freezeDepth=1.5 lrFactor=0.1 loraRank=0", "have freezeDepth outside this search space" },
        { "freezeDepth=1 loraRank=0", "lack lrFactor" },
        { "freezeDepth=1 lrFactor=0.1 loraRank=0 dropout=0.2", "set dropout, which this search space lacks" },
    };

    [Theory]
    [MemberData(nameof(Assignments))]
    public void A_trial_fits_only_when_every_parameter_is_within_this_space(string assignment, string? why)
    {
        var p = assignment.Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0],
            kv => kv[1].Contains('.', StringComparison.Ordinal) ? (object)double.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture) : long.Parse(kv[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(why, WarmStartHistory.Misfit(Space, p));
    }

    private static FineTuneJob Source(string name, Action<FineTuneJobSpec>? change = null)
    {
        var job = Job(s => { RangeSpace(s); change?.Invoke(s); });
        job.Metadata.Name = name;
        job.Metadata.Uid = name + "-uid";
        return job;
    }

    private static Trial SourceTrial(int index, TrialPhase phase, double lr, long lora = 0, double? objective = 0.8) =>
        Trial(index, new TrialStatus
        {
            Phase = phase,
            Attempts = 1,
            Objective = objective,
            Epoch = 3,
            Observations = [new Observation { Epoch = 1, Value = (objective ?? 0.5) - 0.1 }, new Observation { Epoch = 3, Value = objective ?? 0.5 }],
        }, parameters: new() { ["freezeDepth"] = 0, ["lrFactor"] = lr, ["loraRank"] = lora });

    [Fact]
    public void Fitting_finished_trials_are_used_the_rest_counted_and_a_missing_source_reported_while_the_sweep_starts()
    {
        var job = Job(s => { RangeSpace(s); s.WarmStartFrom = ["old", "gone"]; });
        var old = Source("old");
        List<Trial> trials =
        [
            SourceTrial(0, TrialPhase.Succeeded, 0.1),
            SourceTrial(1, TrialPhase.EarlyStopped, 0.3),
            SourceTrial(2, TrialPhase.Succeeded, 0.1, lora: 16),
            SourceTrial(3, TrialPhase.Failed, 0.1, objective: null),
            SourceTrial(4, TrialPhase.Running, 0.1),
        ];
        var input = new JobPlanInput(job, [], At(1), 0, "file://" + Root, new OperatorOptions(),
            [new WarmStartSource("old", old, trials), new WarmStartSource("gone", null, [])]);
        var plan = JobPlanner.Plan(input);

        var warm = plan.Status.WarmStart!;
        Assert.Equal(2, warm.Trials);
        Assert.Equal(1, warm.Skipped);
        Assert.Equal(["gone"], warm.Missing!);
        Assert.Equal("old: 2 used, 1 skipped (1 have loraRank outside this search space); gone: not found in namespace ml", warm.Message);
        var c = Conditions.Find(plan.Status.Conditions, ConditionTypes.WarmStarted)!;
        Assert.Equal(("False", ConditionReasons.WarmStartSourceMissing), (c.Status, c.Reason));
        Assert.Contains("gone", c.Message, StringComparison.Ordinal);
        var e = Assert.Single(plan.Events, e => e.Reason == EventReasons.WarmStartSourceMissing);
        Assert.Equal(EventTypes.Warning, e.Type);
        Assert.Equal(2, plan.TrialsToCreate.Count); // the sweep runs regardless
        Assert.Equal(FineTuneJobPhase.Running, plan.Status.Phase);

        // The next reconcile repeats no event; once the source exists, the condition turns True.
        var again = JobPlanner.Plan(input with { Job = After(job, plan), Now = At(2) });
        Assert.DoesNotContain(again.Events, e => e.Reason == EventReasons.WarmStartSourceMissing);
        var found = JobPlanner.Plan(input with { Job = After(job, plan), WarmStart = [new WarmStartSource("old", old, trials), new WarmStartSource("gone", Source("gone"), [])] });
        Assert.Equal(("True", ConditionReasons.WarmStartApplied), (Conditions.Find(found.Status.Conditions, ConditionTypes.WarmStarted)!.Status, Conditions.Find(found.Status.Conditions, ConditionTypes.WarmStarted)!.Reason));
        Assert.Null(found.Status.WarmStart!.Missing);
    }

    [Fact]
    public void A_source_with_another_objective_is_skipped_whole_and_the_job_itself_is_ignored()
    {
        var job = Job(s => { RangeSpace(s); s.WarmStartFrom = ["loss-sweep", JobName]; });
        var other = Source("loss-sweep", s => s.Objective = new ObjectiveSpec { Metric = "loss", Direction = ObjectiveDirection.Minimize });
        var plan = JobPlanner.Plan(new JobPlanInput(job, [], At(1), 0, "file://" + Root, new OperatorOptions(),
            [new WarmStartSource("loss-sweep", other, [SourceTrial(0, TrialPhase.Succeeded, 0.1), SourceTrial(1, TrialPhase.Succeeded, 0.2)])]));
        Assert.Equal(0, plan.Status.WarmStart!.Trials);
        Assert.Equal(2, plan.Status.WarmStart.Skipped);
        Assert.Equal("loss-sweep: 2 skipped (it optimises loss minimize, this job accuracy maximize); sweep: is this job itself, ignored", plan.Status.WarmStart.Message);
        Assert.True(Conditions.IsTrue(plan.Status.Conditions, ConditionTypes.WarmStarted));
    }

    [Fact]
    public void Without_warmStartFrom_there_is_no_warm_start_status_or_condition()
    {
        var plan = PlanJob(Job(RangeSpace));
        Assert.Null(plan.Status.WarmStart);
        Assert.Null(Conditions.Find(plan.Status.Conditions, ConditionTypes.WarmStarted));
    }
}
