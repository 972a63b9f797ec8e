using FsCheck;
using FsCheck.Fluent;

namespace ClusterTune.Search.Tests;

public sealed class RobustnessTests
{
    private static readonly SearchSpace XSpace = SearchSpace.Create([ParameterSpec.Float("x", 0, 100)]);
    private static readonly EarlyStoppingConfig AshaStop = new(EarlyStoppingKind.Asha) { MinResource = 1, Eta = 3 };

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_non_finite_value_fails_the_trial_but_not_the_sampler(double bad)
    {
        var history = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.Succeeded, (9, i)) with { Objective = i }).ToList();
        history.Add(Kit.Trial(6, TrialStatus.Running, (1, 2), (2, bad)));
        history.Add(Kit.Trial(7, TrialStatus.Succeeded, (9, bad)) with { Objective = bad });
        var policy = new SweepPolicy(XSpace, Kit.Config(SamplerKind.Tpe, AshaStop));
        var d = policy.Decide(history, TimeSpan.Zero, 0, 3);
        Assert.Equal([new TrialStop(6, TrialStopReason.NonFiniteObjective, d.TrialsToStop[0].Message)], d.TrialsToStop);
        Assert.Equal(3, d.NewTrials.Count);
        Assert.All(d.NewTrials, n => Assert.True(double.IsFinite(Kit.D(n.Params, "x"))));
        Assert.Equal(0, policy.BestObjective(history));
    }

    [Fact]
    public void Late_and_missing_observations_use_the_first_point_past_the_rung()
    {
        // Trial 6 never reported epoch 1; its epoch-2 value (0.5) stands for rung 1 and is in the top third.
        var history = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.EarlyStopped, (1, i))).Append(Kit.Trial(6, TrialStatus.Running, (2, 0.5))).ToList();
        var d = new SweepPolicy(XSpace, Kit.Config(es: AshaStop)).Decide(history, TimeSpan.Zero, 0, 0);
        Assert.Empty(d.TrialsToStop);
        var worse = history.Take(6).Append(Kit.Trial(6, TrialStatus.Running, (2, 4.5))).ToList();
        Assert.Single(new SweepPolicy(XSpace, Kit.Config(es: AshaStop)).Decide(worse, TimeSpan.Zero, 0, 0).TrialsToStop);
    }

    [Fact]
    public void Unplaceable_steps_are_ignored()
    {
        var clean = Enumerable.Range(0, 6).Select(i => Kit.Trial(i, TrialStatus.EarlyStopped, (1, i))).Append(Kit.Trial(6, TrialStatus.Running, (1, 4.5))).ToList();
        var dirty = clean.Select(t => t with { Observations = t.Observations.Append(new Observation(double.NaN, -100)).Append(new Observation(-1, -100)).ToList() }).ToList();
        var policy = new SweepPolicy(XSpace, Kit.Config(es: AshaStop));
        Assert.Equal(Kit.Describe(policy.Decide(clean, TimeSpan.Zero, 0, 1)), Kit.Describe(policy.Decide(dirty, TimeSpan.Zero, 0, 1)));
    }

    [Fact]
    public void A_repeated_trial_index_keeps_its_last_record()
    {
        var stale = Kit.Trial(0, TrialStatus.Running, (1, 5));
        var fresh = Kit.Trial(0, TrialStatus.Succeeded, (9, 1)) with { Objective = 1 };
        var policy = new SweepPolicy(XSpace, Kit.Config());
        Assert.Equal(0, policy.BestTrial([stale, fresh])!.Index);
        Assert.Equal(1, policy.Decide([stale, fresh], TimeSpan.Zero, 0, 1).NewTrials[0].Index);
    }

    /// <summary>Random histories for every sampler × scheduler, built from a seed so FsCheck can shrink the seed.</summary>
    internal static (SweepConfig Config, List<TrialRecord> History) RandomCase(int seed)
    {
        var r = new Random(seed);
        var samplers = new[] { SamplerKind.Grid, SamplerKind.Random, SamplerKind.Sobol, SamplerKind.Tpe };
        var es = new[]
        {
            EarlyStoppingConfig.None, new EarlyStoppingConfig(EarlyStoppingKind.Median) { MinTrials = 2 }, AshaStop,
            AshaStop with { Mode = AshaMode.Promote }, AshaStop with { Kind = EarlyStoppingKind.Hyperband, Mode = AshaMode.Promote },
        };
        var dir = r.Next(2) == 0 ? ObjectiveDirection.Minimize : ObjectiveDirection.Maximize;
        var config = Kit.Config(samplers[r.Next(samplers.Length)], es[r.Next(es.Length)], new SweepStopConfig { MaxTrials = 40 }, dir, 9, (ulong)r.Next(100));
        var statuses = Enum.GetValues<TrialStatus>();
        var n = r.Next(0, 25);
        var history = new List<TrialRecord>();
        for (var i = 0; i < n; i++)
        {
            var status = statuses[r.Next(statuses.Length)];
            var steps = r.Next(0, 10);
            var obs = Enumerable.Range(1, steps).Select(s => new Observation(s, r.Next(20) == 0 ? double.NaN : Math.Round(r.NextDouble() * 10, 2))).ToList();
            history.Add(new TrialRecord(i, Kit.P(("x", Math.Round(r.NextDouble() * 100, 1))), status)
            {
                Observations = obs,
                Budget = r.Next(3) switch { 0 => null, 1 => 1, _ => 3 },
                Objective = status == TrialStatus.Succeeded && obs.Count > 0 ? obs[^1].Value : null,
                ResourceUsed = steps,
            });
        }

        return (config, history);
    }

    [Fact]
    public void Shuffled_duplicated_observations_and_trials_give_the_same_decision()
    {
        var prop = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var (config, history) = RandomCase(seed);
            var r = new Random(seed ^ 0x5eed);
            var messy = history
                .Select(t => t with { Observations = t.Observations.Concat(t.Observations.Where(_ => r.Next(3) == 0)).OrderBy(_ => r.Next()).ToList() })
                .OrderBy(_ => r.Next())
                .ToList();
            var policy = new SweepPolicy(XSpace, config);
            return Kit.Describe(policy.Decide(history, TimeSpan.FromHours(1), 100, 3)) == Kit.Describe(policy.Decide(messy, TimeSpan.FromHours(1), 100, 3));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), prop);
    }

    [Fact]
    public void Decisions_never_touch_finished_trials_or_exceed_capacity()
    {
        var prop = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), Gen.Choose(0, 6).ToArbitrary(), (seed, capacity) =>
        {
            var (config, history) = RandomCase(seed);
            var d = new SweepPolicy(XSpace, config).Decide(history, TimeSpan.Zero, 0, capacity);
            var status = history.ToDictionary(t => t.Index, t => t.Status);
            var existing = history.Select(t => t.Index).ToHashSet();
            return d.NewTrials.Count + d.TrialsToResume.Count <= capacity
                && d.NewTrials.All(n => !existing.Contains(n.Index) && n.Budget > 0 && n.Budget <= 9)
                && d.TrialsToStop.All(s => status[s.Index] is TrialStatus.Running or TrialStatus.Pending)
                && d.TrialsToPause.All(p => status[p.Index] == TrialStatus.Running)
                && d.TrialsToResume.All(x => status[x.Index] is TrialStatus.Paused or TrialStatus.Succeeded && x.Budget <= 9)
                && d.TrialsToStop.Select(s => s.Index).Distinct().Count() == d.TrialsToStop.Count
                && history.Count + d.NewTrials.Count <= 40;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), prop);
    }
}
