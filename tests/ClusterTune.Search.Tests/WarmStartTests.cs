namespace ClusterTune.Search.Tests;

/// <summary>
/// Warm start (SweepConfig.Prior): trials of an earlier sweep inform the sampler and the early-stopping rules as this
/// sweep's own trials do, but never count as its trials (indices, maxTrials, stops).
/// </summary>
public sealed class WarmStartTests(Xunit.Abstractions.ITestOutputHelper output)
{
    // Minimised; the optimum is freezeDepth 0, lrFactor 0.1, loraRank 0 (loss 0).
    private static double Loss(IReadOnlyDictionary<string, object> p) =>
        Math.Pow(Math.Log10(Kit.D(p, Kit.LrFactor)) + 1, 2) + (0.1 * Kit.D(p, Kit.FreezeDepth)) + (Kit.D(p, Kit.LoraRank) > 0 ? 0.05 : 0);

    private const double Level = 0.06;

    /// <summary>An earlier sweep: 30 random trials over the same space, finished.</summary>
    private static List<TrialRecord> EarlierSweep()
    {
        var policy = new SweepPolicy(Kit.FineTuneSpace(), Kit.Config(SamplerKind.Random, stop: new SweepStopConfig { MaxTrials = 30 }, maxResource: 1, seed: 99));
        return Kit.Drive(policy, (p, e) => Loss(p), workers: 2).History;
    }

    /// <summary>The number of this sweep's trials up to and including the first that reaches <see cref="Level"/> (41 when none of 40 does).</summary>
    private static int TrialsToLevel(ulong seed, IReadOnlyList<TrialRecord> prior)
    {
        var config = Kit.Config(SamplerKind.Tpe, stop: new SweepStopConfig { MaxTrials = 40 }, maxResource: 1, seed: seed) with { Prior = prior };
        var history = Kit.Drive(new SweepPolicy(Kit.FineTuneSpace(), config), (p, e) => Loss(p), workers: 2).History.OrderBy(t => t.Index).ToList();
        Assert.All(history, t => Assert.InRange(t.Index, 0, 39));
        var first = history.FindIndex(t => t.Objective <= Level);
        return first < 0 ? 41 : first + 1;
    }

    [Fact]
    public void Tpe_with_an_earlier_sweeps_trials_reaches_the_optimum_region_in_fewer_trials()
    {
        var prior = EarlierSweep();
        Assert.DoesNotContain(prior, t => t.Objective <= Level); // the earlier sweep itself never got there
        var seeds = Enumerable.Range(1, 7).Select(s => (ulong)s).ToList();
        var cold = seeds.Select(s => TrialsToLevel(s, [])).ToList();
        var warm = seeds.Select(s => TrialsToLevel(s, prior)).ToList();
        var message = $"trials to reach loss {Level}: cold {string.Join(",", cold)}; warm {string.Join(",", warm)}";
        output.WriteLine(message);
        Assert.True(warm.Order().ElementAt(3) < cold.Order().ElementAt(3), message);
        Assert.True(warm.Sum() < cold.Sum(), message);
    }

    [Fact]
    public void The_first_suggestion_with_warm_history_is_model_based_not_random()
    {
        var prior = EarlierSweep();
        var best = prior.OrderBy(t => t.Objective).First();
        double Distance(IReadOnlyDictionary<string, object> p) => Math.Abs(Math.Log10(Kit.D(p, Kit.LrFactor)) + 1);
        var seeds = Enumerable.Range(1, 9).Select(s => (ulong)s).ToList();
        double FirstDistance(ulong seed, IReadOnlyList<TrialRecord> prior) =>
            Distance(new SweepPolicy(Kit.FineTuneSpace(), Kit.Config(SamplerKind.Tpe, maxResource: 1, seed: seed) with { Prior = prior }).Decide([], TimeSpan.Zero, 0, 1).NewTrials.Single().Params);
        var cold = seeds.Select(s => FirstDistance(s, [])).Order().ToList();
        var warm = seeds.Select(s => FirstDistance(s, prior)).Order().ToList();
        Assert.True(warm[4] < cold[4], $"median |log10(lrFactor) + 1| of the first trial: warm {warm[4]:G3}, cold {cold[4]:G3} (earlier best {Distance(best.Params):G3})");
    }

    [Fact]
    public void Warm_trials_never_count_as_this_sweeps_trials()
    {
        var prior = EarlierSweep();
        var policy = new SweepPolicy(Kit.FineTuneSpace(), Kit.Config(SamplerKind.Tpe, stop: new SweepStopConfig { MaxTrials = 2, Target = 0.5 }, maxResource: 1) with { Prior = prior });
        // The earlier sweep's best beats the target, yet this sweep does not stop: only its own trials reach targets.
        Assert.Contains(prior, t => t.Objective <= 0.5);
        var d = policy.Decide([], TimeSpan.Zero, 0, 5);
        Assert.Null(d.Stop);
        Assert.Equal([0, 1], d.NewTrials.Select(n => n.Index));
        Assert.Null(policy.BestTrial([]));
    }

    [Fact]
    public void Asha_stops_a_weak_first_trial_against_the_warm_rung_history()
    {
        var asha = new EarlyStoppingConfig(EarlyStoppingKind.Asha) { MinResource = 1, Eta = 3 };
        // Six earlier trials that trained 9 epochs with losses 1..6 at every epoch.
        var prior = Enumerable.Range(1, 6).Select(i => new TrialRecord(i, Kit.P((Kit.FreezeDepth, 0L), (Kit.LrFactor, 0.1), (Kit.LoraRank, 0L)), TrialStatus.Succeeded)
        {
            Observations = [.. Enumerable.Range(1, 9).Select(e => new Observation(e, i))],
            Objective = i,
        }).ToList();
        var weak = new TrialRecord(0, Kit.P((Kit.FreezeDepth, 2L), (Kit.LrFactor, 0.5), (Kit.LoraRank, 0L)), TrialStatus.Running)
        {
            Observations = [new Observation(1, 5.5)],
            ResourceUsed = 1,
        };
        Decision(prior: []).Verify(stopped: false);
        Decision(prior).Verify(stopped: true);

        (SweepDecision D, int _) Decision(List<TrialRecord> prior) =>
            (new SweepPolicy(Kit.FineTuneSpace(), Kit.Config(SamplerKind.Random, es: asha, maxResource: 9) with { Prior = prior }).Decide([weak], TimeSpan.Zero, 0, 0), 0);
    }
}

internal static class DecisionAssertions
{
    public static void Verify(this (SweepDecision D, int _) d, bool stopped) =>
        Assert.Equal(stopped, d.D.TrialsToStop.Any(s => s.Index == 0 && s.Reason == TrialStopReason.EarlyStopped));
}
