using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>When PBT acts on a population (all members paused at a boundary), in which order (exploits, then resumptions) and how much at once.</summary>
public sealed class PbtPlanningTests
{
    private static EffectiveSpec Pbt(int population = 4, int epochs = 6, int interval = 2) => Spec(s =>
    {
        s.Trainer.Epochs = epochs;
        s.SearchSpace!.LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0.001, Max = 1, Scale = ParameterScale.Log };
        s.SearchSpace.LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0] };
        s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Pbt, Seed = 5, Pbt = new PbtSpec { PerturbationInterval = interval } };
        s.Budget = new BudgetSpec { MaxTrials = population, Parallelism = population };
    });

    /// <summary>Member <paramref name="index"/> with lrFactor <paramref name="lr"/>, aimed at epoch <paramref name="target"/>, at epoch <paramref name="epoch"/> scoring <paramref name="score"/> there.</summary>
    private static Trial Member(int index, double lr, double score, int target = 2, int epoch = 2, TrialPhase phase = TrialPhase.Paused)
    {
        var t = Trial(index, new TrialStatus
        {
            Phase = phase,
            Attempts = 1,
            PodName = ResourceNames.Pod(JobName, index, 1),
            Epoch = epoch,
            LastCheckpointUri = $"/ckpt/{index}/last",
            Observations = [.. Enumerable.Range(1, epoch).Select(e => new Observation { Epoch = e, Value = score - 0.01 * (epoch - e) })],
        }, epochs: target, parameters: new() { ["freezeDepth"] = 0L, ["lrFactor"] = lr, ["loraRank"] = 0L });
        return t;
    }

    private static List<Trial> Population() => [Member(0, 0.1, 0.9), Member(1, 0.01, 0.7), Member(2, 0.3, 0.8), Member(3, 0.001, 0.4)];

    [Fact]
    public void At_a_boundary_the_bottom_member_exploits_the_top_one_first_and_nobody_resumes_yet()
    {
        var events = new List<PlannedEvent>();
        var change = Assert.Single(PbtPlanner.Plan(Pbt(), Population(), free: 4, events));

        Assert.Equal(ResourceNames.Trial(JobName, 3), change.Name);
        Assert.Equal("/ckpt/0/last", change.CopyCheckpointFrom);
        Assert.Equal(ResourceNames.Trial(JobName, 0), change.Exploit!.From);
        Assert.Equal(2, change.Exploit.Epoch);
        Assert.Equal(0.4, change.Exploit.Objective);
        Assert.Equal(0.9, change.Exploit.FromObjective);
        var lr = change.Params!["lrFactor"].AsDouble();
        Assert.Contains(new[] { 0.08, 0.12 }, v => Math.Abs(v - lr) < 1e-12); // the donor's 0.1, explored
        Assert.Null(change.Epochs); // resumes after every exploit is recorded
        Assert.Contains(events, e => e.Reason == EventReasons.TrialExploited);
        // The same state plans the same exploit (a re-plan after a crash copies the same donor).
        Assert.Equal(change.Params["lrFactor"].AsDouble(), PbtPlanner.Plan(Pbt(), Population(), 4, []).Single().Params!["lrFactor"].AsDouble());
    }

    [Theory]
    [InlineData(4, 4)]
    [InlineData(2, 2)] // parallelism: only as many members resume as there are free slots
    [InlineData(0, 0)]
    public void Once_exploits_are_recorded_members_resume_to_the_next_boundary(int free, int resumed)
    {
        var population = Population();
        population[3].Spec.Exploit = new TrialExploit { From = ResourceNames.Trial(JobName, 0), Epoch = 2 };
        var changes = PbtPlanner.Plan(Pbt(), population, free, []);

        Assert.Equal(resumed, changes.Count);
        Assert.All(changes, c =>
        {
            Assert.Equal(4, c.Epochs);
            Assert.Equal(1, c.Rung);
            Assert.Null(c.Exploit);
            Assert.Equal($"/ckpt/{population.Single(t => t.Metadata.Name == c.Name).Spec.Index}/last", c.ResumeFrom);
        });
    }

    public static TheoryData<string, List<Trial>> NotYet => new()
    {
        { "a member still trains towards the boundary", [Member(0, 0.1, 0.9), Member(1, 0.01, 0.7, epoch: 1, phase: TrialPhase.Running), Member(2, 0.3, 0.8), Member(3, 0.001, 0.4)] },
        { "the population is not all created", [Member(0, 0.1, 0.9), Member(1, 0.01, 0.7), Member(2, 0.3, 0.8)] },
        { "the last segment runs to the end", [Member(0, 0.1, 0.9, target: 6, epoch: 4, phase: TrialPhase.Running), Member(1, 0.01, 0.7, target: 6, epoch: 4, phase: TrialPhase.Running), Member(2, 0.3, 0.8, target: 6, epoch: 4), Member(3, 0.001, 0.4, target: 6, epoch: 4)] },
    };

    [Theory]
    [MemberData(nameof(NotYet))]
    public void Nothing_happens_before_the_whole_population_reached_the_boundary(string why, List<Trial> population)
    {
        Assert.True(PbtPlanner.Plan(Pbt(), population, free: 4, []).Count == 0, why);
    }

    [Fact]
    public void Members_that_already_moved_on_still_count_in_the_ranking_and_failed_ones_do_not()
    {
        // Member 0 resumed to epoch 4 already (a reconcile that was cut short); member 1 failed.
        var population = Population();
        population[0] = Member(0, 0.1, 0.95, target: 4, epoch: 3, phase: TrialPhase.Running);
        population[1] = Member(1, 0.01, 0.7, phase: TrialPhase.Failed);
        population[3].Spec.Exploit = new TrialExploit { From = ResourceNames.Trial(JobName, 0), Epoch = 2 };
        var changes = PbtPlanner.Plan(Pbt(), population, free: 4, []);
        Assert.Equal([ResourceNames.Trial(JobName, 2), ResourceNames.Trial(JobName, 3)], changes.Select(c => c.Name));
    }

    [Fact]
    public void New_members_train_to_the_first_boundary_and_paused_ones_keep_the_sweep_alive()
    {
        var first = PbtPlanner.FirstSegment(Pbt(), [new ClusterTune.Search.NewTrial(0, new Dictionary<string, object>(), 6, 0)]);
        Assert.Equal(2, first.Single().Budget);
        var paused = SweepMapping.ToRecord(Member(0, 0.1, 0.9));
        Assert.Equal(ClusterTune.Search.TrialStatus.Paused, paused.Status);
        Assert.Equal(ClusterTune.Search.TrialStatus.Running, PbtPlanner.KeepAlive(Pbt(), [paused]).Single().Status);
        Assert.Equal(ClusterTune.Search.TrialStatus.Paused, PbtPlanner.KeepAlive(Spec(), [paused]).Single().Status);
    }

    [Fact]
    public void Lineage_records_each_exploit_once()
    {
        var x = new TrialExploit { From = "a", Epoch = 2 };
        var once = PbtLineage.With(null, x);
        Assert.Single(once!);
        Assert.Same(once, PbtLineage.With(once, x));
        Assert.Equal(2, PbtLineage.With(once, new TrialExploit { From = "b", Epoch = 4 })!.Count);
        Assert.Null(PbtLineage.With(null, null));
    }
}
