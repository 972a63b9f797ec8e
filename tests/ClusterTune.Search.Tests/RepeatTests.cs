using ClusterTune.Search.Repeats;
using static ClusterTune.Search.Tests.Kit;

namespace ClusterTune.Search.Tests;

/// <summary>No wasted repeats: samplers never propose a tried setting; each trial has its own seed; seedsPerConfig repeats on purpose.</summary>
public sealed class RepeatTests
{
    // 2 × 3 = 6 settings (a categorical and a stepped int); the sweep may run 20.
    private static SearchSpace Small() => SearchSpace.Create([ParameterSpec.Categorical("rank", 0L, 4L), ParameterSpec.Int("depth", 0, 2)]);

    private static double Curve(IReadOnlyDictionary<string, object> p, int epoch) => D(p, "depth") + (D(p, "rank") / 10) + (1.0 / epoch);

    [Theory]
    [InlineData(SamplerKind.Random, 1)]
    [InlineData(SamplerKind.Random, 6)]
    [InlineData(SamplerKind.Sobol, 2)]
    [InlineData(SamplerKind.Tpe, 1)]
    [InlineData(SamplerKind.Tpe, 3)]
    [InlineData(SamplerKind.Grid, 4)]
    public void Every_setting_runs_once_then_the_sweep_ends_as_exhausted(SamplerKind kind, int workers)
    {
        var policy = new SweepPolicy(Small(), Config(kind, stop: new SweepStopConfig { MaxTrials = 20 }, maxResource: 2));
        var (history, last, _) = Drive(policy, Curve, workers);
        Assert.Equal(6, history.Count);
        Assert.Equal(6, history.Select(t => SearchSpace.Key(t.Params)).Distinct().Count());
        Assert.Equal(SweepStopReason.SearchSpaceExhausted, last.Stop!.Reason);
        if (kind != SamplerKind.Grid)
        {
            Assert.Contains("all 6 settings", last.Stop.Message);
        }
    }

    [Fact]
    public void Exhaustion_respects_the_constraint()
    {
        var space = SearchSpace.Create([ParameterSpec.Categorical("rank", 0L, 4L), ParameterSpec.Int("depth", 0, 2)], a => D(a, "depth") > 0);
        var (history, last, _) = Drive(new SweepPolicy(space, Config(SamplerKind.Random, stop: new SweepStopConfig { MaxTrials = 20 }, maxResource: 1)), Curve);
        Assert.Equal(4, history.Count);
        Assert.Contains("all 4 settings", last.Stop!.Message);
    }

    [Fact]
    public void A_continuous_space_is_never_exhausted_by_repeats()
    {
        var (history, last, _) = Drive(new SweepPolicy(FineTuneSpace(), Config(SamplerKind.Tpe, stop: new SweepStopConfig { MaxTrials = 30 }, maxResource: 1)),
            (p, e) => Math.Abs(Math.Log10(D(p, Kit.LrFactor)) + 1));
        Assert.Equal(30, history.Select(t => SearchSpace.Key(t.Params)).Distinct().Count());
        Assert.Equal(SweepStopReason.MaxTrialsReached, last.Stop!.Reason);
    }

    [Fact]
    public void Each_trial_gets_its_own_seed_stable_across_restarts()
    {
        var policy = new SweepPolicy(Small(), Config(SamplerKind.Random, stop: new SweepStopConfig { MaxTrials = 6 }));
        var first = policy.Decide([], TimeSpan.Zero, 0, 6).NewTrials;
        var again = new SweepPolicy(Small(), Config(SamplerKind.Random, stop: new SweepStopConfig { MaxTrials = 6 })).Decide([], TimeSpan.Zero, 0, 6).NewTrials;
        Assert.Equal(6, first.Select(n => n.Seed).Distinct().Count());
        Assert.Equal(first.Select(n => n.Seed), again.Select(n => n.Seed));
        Assert.All(first, n => Assert.Equal(TrialSeeds.Of(7, n.Index), n.Seed));
        Assert.NotEqual(TrialSeeds.Of(7, 0), TrialSeeds.Of(8, 0));
        Assert.All(Enumerable.Range(0, 1000), i => Assert.InRange(TrialSeeds.Of(3, i), 0, int.MaxValue));
    }

    [Theory]
    [InlineData(3, 6)]
    [InlineData(2, 6)]
    public void SeedsPerConfig_repeats_each_setting_with_new_seeds(int k, int workers)
    {
        var config = Config(SamplerKind.Random, stop: new SweepStopConfig { MaxTrials = 12 }, maxResource: 1) with { SeedsPerConfig = k };
        var (history, _, _) = Drive(new SweepPolicy(Small(), config), Curve, workers);
        Assert.Equal(12, history.Count);
        var groups = history.GroupBy(t => t.Index / k).ToList();
        Assert.All(groups, g => Assert.Single(g.Select(t => SearchSpace.Key(t.Params)).Distinct()));
        Assert.Equal(groups.Count, groups.Select(g => SearchSpace.Key(g.First().Params)).Distinct().Count());
    }

    [Fact]
    public void Replicas_are_marked_and_seeded_apart()
    {
        var config = Config(SamplerKind.Random, stop: new SweepStopConfig { MaxTrials = 4 }) with { SeedsPerConfig = 2 };
        var created = new SweepPolicy(Small(), config).Decide([], TimeSpan.Zero, 0, 4).NewTrials;
        Assert.Equal([false, true, false, true], created.Select(n => n.Replica));
        Assert.Equal(created[0].Params, created[1].Params);
        Assert.NotEqual(created[0].Seed, created[1].Seed);
    }

    [Fact]
    public void SeedsPerConfig_below_one_is_refused_naming_the_field() =>
        Assert.Contains("algorithm.seedsPerConfig", Assert.Throws<ArgumentException>(() => new SweepPolicy(Small(), Config() with { SeedsPerConfig = 0 })).Message);
}
