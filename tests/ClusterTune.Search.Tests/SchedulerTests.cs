using ClusterTune.Search.Scheduling;

namespace ClusterTune.Search.Tests;

public sealed class SchedulerTests
{
    private static readonly SearchSpace XSpace = SearchSpace.Create([ParameterSpec.Float("x", 0, 100)]);
    private static readonly EarlyStoppingConfig Median = new(EarlyStoppingKind.Median) { MinTrials = 3, WarmupSteps = 2 };
    private static readonly EarlyStoppingConfig AshaStop = new(EarlyStoppingKind.Asha) { MinResource = 1, Eta = 3, Mode = AshaMode.Stop };
    private static readonly EarlyStoppingConfig AshaPromote = AshaStop with { Mode = AshaMode.Promote };

    private static SweepDecision Decide(EarlyStoppingConfig es, IReadOnlyList<TrialRecord> history, int capacity = 0, ObjectiveDirection dir = ObjectiveDirection.Minimize) =>
        new SweepPolicy(XSpace, Kit.Config(es: es, dir: dir)).Decide(history, TimeSpan.Zero, 0, capacity);

    private static List<TrialRecord> Peers(int n, Func<int, double> value, int steps = 9) =>
        Enumerable.Range(0, n).Select(i => Kit.Trial(i, TrialStatus.Succeeded, Enumerable.Range(1, steps).Select(s => ((double)s, value(i) + (9 - s))).ToArray()) with { Objective = value(i) }).ToList();

    // Median rule: peers' best values by step 3 are 6+{0,1,2,3} → median 7.5.
    [Theory]
    [InlineData(8.0, 3, true)]    // worse than the median at step 3
    [InlineData(7.0, 3, false)]   // better than the median
    [InlineData(99.0, 1, false)]  // before the warm-up steps
    public void Median_rule(double value, double step, bool stopped)
    {
        var history = Peers(4, i => i).Append(Kit.Trial(4, TrialStatus.Running, (step, value))).ToList();
        var d = Decide(Median, history);
        Assert.Equal(stopped, d.TrialsToStop.Any(s => s.Index == 4 && s.Reason == TrialStopReason.EarlyStopped));
    }

    [Fact]
    public void Median_rule_waits_for_enough_peers()
    {
        var history = Peers(2, i => i).Append(Kit.Trial(2, TrialStatus.Running, (3, 1000))).ToList();
        Assert.Empty(Decide(Median, history).TrialsToStop);
    }

    [Fact]
    public void Median_rule_uses_the_trials_best_value_so_far()
    {
        // A noisy last point does not stop a trial whose best value so far beats the median.
        var history = Peers(4, i => i).Append(Kit.Trial(4, TrialStatus.Running, (2, 7.0), (3, 50))).ToList();
        Assert.Empty(Decide(Median, history).TrialsToStop);
    }

    // ASHA stop mode, rungs at 1 and 3 (max 9). Six peers reached rung 1 with losses 0..5.
    [Theory]
    [InlineData(1.0, false)]  // top third
    [InlineData(4.5, true)]   // bottom: above the 1/3 quantile of {0..5, 4.5}
    [InlineData(2.0, false)]  // exactly at the 1/3 quantile (2.0): kept
    public void Asha_stop_mode_keeps_the_top_third_at_a_rung(double value, bool stopped)
    {
        var history = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.EarlyStopped, (1, i))).Append(Kit.Trial(6, TrialStatus.Running, (1, value))).ToList();
        var d = Decide(AshaStop, history);
        Assert.Equal(stopped, d.TrialsToStop.Any(s => s.Index == 6));
    }

    [Fact]
    public void Asha_stop_mode_judges_at_the_highest_rung_reached()
    {
        // Bad at rung 1 but among the best at rung 3: it is judged at rung 3 and continues.
        var history = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.EarlyStopped, (1, i), (3, i)))
            .Append(Kit.Trial(6, TrialStatus.Running, (1, 100), (3, 0.5))).ToList();
        Assert.Empty(Decide(AshaStop, history).TrialsToStop);
    }

    [Fact]
    public void Asha_stop_mode_respects_maximize()
    {
        var history = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.EarlyStopped, (1, i))).Append(Kit.Trial(6, TrialStatus.Running, (1, 4.5))).ToList();
        Assert.Empty(Decide(AshaStop, history, dir: ObjectiveDirection.Maximize).TrialsToStop);
    }

    [Fact]
    public void Asha_promote_mode_starts_trials_at_the_first_rung_and_pauses_them_there()
    {
        var d = Decide(AshaPromote, [], capacity: 2);
        Assert.All(d.NewTrials, n => Assert.Equal(1, n.Budget));
        var running = new TrialRecord(0, Kit.P(("x", 1.0)), TrialStatus.Running) { Budget = 1, Observations = [new(1, 5)] };
        Assert.Equal([new TrialPause(0, 1)], Decide(AshaPromote, [running]).TrialsToPause);
    }

    [Fact]
    public void Asha_promote_mode_resumes_the_top_third_of_a_rung_best_first()
    {
        var paused = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.Paused, (1, 10 - i)) with { Budget = 1 }).ToList();
        var d = Decide(AshaPromote, paused, capacity: 5);
        Assert.Equal([new TrialResume(5, 3), new TrialResume(4, 3)], d.TrialsToResume);
        Assert.Equal(3, d.NewTrials.Count); // the remaining capacity goes to new trials

        var one = Decide(AshaPromote, paused, capacity: 1);
        Assert.Equal([new TrialResume(5, 3)], one.TrialsToResume);
        Assert.Empty(one.NewTrials);
    }

    [Fact]
    public void Asha_promote_mode_never_promotes_a_trial_twice_and_prefers_higher_rungs()
    {
        var history = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.Paused, (1, i)) with { Budget = 1 }).ToList();
        history[0] = history[0] with { Status = TrialStatus.Running, Budget = 3 };                       // already promoted
        history[1] = history[1] with { Status = TrialStatus.Paused, Budget = 3, Observations = [new(1, 1), new(3, 0.5)] };
        history.AddRange(Enumerable.Range(6, 3).Select(i => Kit.Trial(i, TrialStatus.Paused, (1, 50), (3, 60)) with { Budget = 3 }));
        var d = Decide(AshaPromote, history, capacity: 3);
        // Rung 3 has 5 members (1, 6, 7, 8 and 0 has not reached it): quota 1 → trial 1 to the full resource 9.
        Assert.Equal(new TrialResume(1, 9), d.TrialsToResume[0]);
        Assert.DoesNotContain(d.TrialsToResume, r => r.Index == 0);
    }

    [Fact]
    public void Succeeded_below_the_full_resource_counts_as_paused_in_promote_mode()
    {
        var done = Enumerable.Range(0, 3).Select(i => Kit.Trial(i, TrialStatus.Succeeded, (1, i)) with { Budget = 1, Objective = i }).ToList();
        Assert.Equal([new TrialResume(0, 3)], Decide(AshaPromote, done, capacity: 1).TrialsToResume);
    }

    [Fact]
    public void Hyperband_brackets_have_shifted_rungs_and_hyperband_sizes()
    {
        var hb = new AshaScheduler(AshaPromote with { Kind = EarlyStoppingKind.Hyperband }, 27);
        Assert.Equal(4, hb.BracketCount);
        Assert.Equal([1.0, 3, 9], hb.Rungs(0));
        Assert.Equal([3.0, 9], hb.Rungs(1));
        Assert.Equal([9.0], hb.Rungs(2));
        Assert.Empty(hb.Rungs(3));
        var counts = Enumerable.Range(0, 49).GroupBy(hb.BracketOf).OrderBy(g => g.Key).Select(g => g.Count());
        Assert.Equal([27, 12, 6, 4], counts);
        Assert.Equal([1.0, 3, 9, 27], Enumerable.Range(0, 4).Select(b => hb.FirstBudget(b, hb.TrustedFrom([]))));
    }

    [Fact]
    public void Hyperband_new_trials_start_at_their_brackets_first_rung()
    {
        var policy = new SweepPolicy(XSpace, Kit.Config(es: AshaPromote with { Kind = EarlyStoppingKind.Hyperband }, maxResource: 27));
        var d = policy.Decide([], TimeSpan.Zero, 0, 49);
        var hb = new AshaScheduler(AshaPromote with { Kind = EarlyStoppingKind.Hyperband }, 27);
        Assert.All(d.NewTrials, n => Assert.Equal(hb.FirstBudget(n.Bracket, hb.TrustedFrom([])), n.Budget));
        Assert.Equal(4, d.NewTrials.Select(n => n.Bracket).Distinct().Count());
    }

    [Fact]
    public void Asha_without_hyperband_uses_one_bracket_and_max_brackets_caps_hyperband()
    {
        Assert.Equal(1, new AshaScheduler(AshaStop, 27).BracketCount);
        Assert.Equal(2, new AshaScheduler(AshaStop with { Kind = EarlyStoppingKind.Hyperband, MaxBrackets = 2 }, 27).BracketCount);
    }

    public static TheoryData<string, EarlyStoppingConfig?, SamplerKind> Sweeps => new()
    {
        { "none", null, SamplerKind.Random },
        { "median", Median, SamplerKind.Tpe },
        { "asha stop", AshaStop, SamplerKind.Sobol },
        { "asha promote", AshaPromote, SamplerKind.Tpe },
        { "hyperband", AshaPromote with { Kind = EarlyStoppingKind.Hyperband }, SamplerKind.Random },
    };

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void A_whole_sweep_terminates_with_full_length_winners_and_early_stopping_saves_epochs(string name, EarlyStoppingConfig? es, SamplerKind sampler)
    {
        // Curves: loss decays to x/100 with noise-free shape; lower x is better at every epoch.
        double Curve(IReadOnlyDictionary<string, object> p, int e) => (Kit.D(p, "x") / 100) + (1.0 / e);
        var policy = new SweepPolicy(XSpace, Kit.Config(sampler, es, new SweepStopConfig { MaxTrials = 40 }));
        var (history, last, _) = Kit.Drive(policy, Curve, workers: 4);
        Assert.Equal(SweepStopReason.MaxTrialsReached, last.Stop?.Reason);
        Assert.Equal(40, history.Count);
        Assert.DoesNotContain(history, t => t.Status is TrialStatus.Running or TrialStatus.Pending);
        var best = policy.BestTrial(history);
        Assert.NotNull(best);
        Assert.Equal(9, best.ResourceUsed);
        var epochs = history.Sum(t => t.ResourceUsed);
        if (es is null)
        {
            Assert.Equal(40 * 9, epochs);
        }
        else
        {
            Assert.True(epochs < 40 * 9 * 0.8, $"{name}: {epochs} epochs");
            Assert.True(Kit.D(best.Params, "x") < 25, $"{name}: best x {Kit.D(best.Params, "x")}");
        }

        if (es?.Mode == AshaMode.Promote)
        {
            Assert.Contains(history, t => t.Status == TrialStatus.Paused);
        }
    }

    // Misleading rungs. Trials that trained the full 9 epochs, with losses at rung 1, rung 3 and the end; "down" means
    // the rung ranks them in the reverse order of their final losses (crossing learning curves).
    private static List<TrialRecord> Curves(string shape, int n = 6) =>
        Enumerable.Range(0, n).Select(i =>
        {
            double r1 = shape == "rung1-reversed" ? -i : i, r3 = shape == "rung3-reversed" ? -i : i;
            return Kit.Trial(i, TrialStatus.Succeeded, (1, 100 + r1), (3, 50 + r3), (9, i)) with { Objective = i };
        }).ToList();

    [Theory]
    [InlineData("agree", 6, 1.0)]           // every rung ranks like the final loss: new trials start at rung 1
    [InlineData("rung1-reversed", 6, 3.0)]  // rung 1 misleads: start at rung 3
    [InlineData("rung3-reversed", 6, 9.0)]  // rung 3 misleads, so rung 1 below it is not trusted either: full resource
    [InlineData("rung1-reversed", 5, 1.0)]  // five trials at both levels: not judged yet
    public void Asha_promote_starts_new_trials_at_the_lowest_trusted_rung(string shape, int n, double budget)
    {
        var d = Decide(AshaPromote, Curves(shape, n), capacity: 1);
        Assert.Equal(budget, Assert.Single(d.NewTrials).Budget);
    }

    [Theory]
    [InlineData("agree", true)]
    [InlineData("rung1-reversed", false)]
    public void Asha_promote_does_not_promote_from_a_misleading_rung(string shape, bool promoted)
    {
        // Three trials paused at rung 1; the best (loss 0 at rung 1, below every other) is in the top third.
        var paused = Enumerable.Range(6, 3).Select(i => Kit.Trial(i, TrialStatus.Paused, (1, (i - 6) * 1000)) with { Budget = 1 });
        var d = Decide(AshaPromote, [.. Curves(shape), .. paused], capacity: 1);
        Assert.Equal(promoted ? [new TrialResume(6, 3)] : [], d.TrialsToResume);
    }

    [Theory]
    [InlineData("agree", true)]
    [InlineData("rung1-reversed", false)]
    public void Asha_stop_mode_does_not_stop_on_a_misleading_rung(string shape, bool stopped)
    {
        var d = Decide(AshaStop, [.. Curves(shape), Kit.Trial(6, TrialStatus.Running, (1, 1000))]);
        Assert.Equal(stopped, d.TrialsToStop.Any(s => s.Index == 6));
    }

    [Theory]
    [InlineData(new double[] { 1, 2, 3 }, new double[] { 1, 2, 3 }, 1.0)]
    [InlineData(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }, -1.0)]
    [InlineData(new double[] { 1, 1, 2 }, new double[] { 1, 2, 3 }, 2.0 / 3)]   // the tied pair counts as neither
    [InlineData(new double[] { 1, 2, 3, 4 }, new double[] { 2, 1, 4, 3 }, 1.0 / 3)]
    public void Kendall_tau(double[] x, double[] y, double tau) =>
        Assert.Equal(tau, AshaScheduler.KendallTau([.. x.Zip(y)]), 12);
}
