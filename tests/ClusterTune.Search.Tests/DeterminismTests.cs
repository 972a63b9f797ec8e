using FsCheck;
using FsCheck.Fluent;

namespace ClusterTune.Search.Tests;

/// <summary>An operator restart builds a fresh policy: it must make exactly the decisions the old one would have.</summary>
public sealed class DeterminismTests
{
    private static readonly SearchSpace XSpace = SearchSpace.Create([ParameterSpec.Float("x", 0, 100)]);

    [Fact]
    public void Fresh_instance_with_the_same_history_makes_the_same_decision()
    {
        var prop = Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var (config, history) = RobustnessTests.RandomCase(seed);
            var a = new SweepPolicy(XSpace, config).Decide(history, TimeSpan.FromMinutes(5), 60, 4);
            var b = new SweepPolicy(XSpace, config).Decide(history, TimeSpan.FromMinutes(5), 60, 4);
            return Kit.Describe(a) == Kit.Describe(b);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), prop);
    }

    public static TheoryData<SamplerKind, EarlyStoppingKind, AshaMode> Combos()
    {
        var data = new TheoryData<SamplerKind, EarlyStoppingKind, AshaMode>();
        foreach (var s in new[] { SamplerKind.Grid, SamplerKind.Random, SamplerKind.Sobol, SamplerKind.Tpe })
        {
            data.Add(s, EarlyStoppingKind.None, AshaMode.Stop);
        }

        data.Add(SamplerKind.Tpe, EarlyStoppingKind.Median, AshaMode.Stop);
        data.Add(SamplerKind.Tpe, EarlyStoppingKind.Asha, AshaMode.Stop);
        data.Add(SamplerKind.Tpe, EarlyStoppingKind.Asha, AshaMode.Promote);
        data.Add(SamplerKind.Tpe, EarlyStoppingKind.Hyperband, AshaMode.Promote);
        return data;
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void Replaying_a_whole_sweep_on_fresh_instances_reproduces_every_decision(SamplerKind sampler, EarlyStoppingKind kind, AshaMode mode)
    {
        var space = Kit.MixedSpace();
        var config = Kit.Config(sampler, new EarlyStoppingConfig(kind) { MinTrials = 2, Mode = mode }, new SweepStopConfig { MaxTrials = 25 });
        var log = new List<(List<TrialRecord> History, TimeSpan Elapsed, double Gpu, int Capacity, string Decision)>();
        double Curve(IReadOnlyDictionary<string, object> p, int e) => Math.Abs(Math.Log10(Kit.D(p, "lr")) + 2) + (3.0 / e) + Kit.D(p, "dropout");
        Kit.Drive(new SweepPolicy(space, config), Curve, workers: 3, observe: (h, el, g, c, d) => log.Add((h, el, g, c, Kit.Describe(d))));
        Assert.True(log.Count > 10);
        foreach (var (history, elapsed, gpu, capacity, decision) in log)
        {
            Assert.Equal(decision, Kit.Describe(new SweepPolicy(space, config).Decide(history, elapsed, gpu, capacity)));
        }
    }

    [Fact]
    public void Different_seeds_explore_differently()
    {
        var a = new SweepPolicy(XSpace, Kit.Config(seed: 1)).Decide([], TimeSpan.Zero, 0, 4);
        var b = new SweepPolicy(XSpace, Kit.Config(seed: 2)).Decide([], TimeSpan.Zero, 0, 4);
        Assert.NotEqual(Kit.Describe(a), Kit.Describe(b));
    }
}
