using System.Globalization;
using ClusterTune.Search.Internal;
using ClusterTune.Search.Sampling;
using FsCheck;
using FsCheck.Fluent;

namespace ClusterTune.Search.Tests;

public sealed class SamplerTests
{
    public static TheoryData<SamplerKind> AllSamplers => new() { SamplerKind.Grid, SamplerKind.Random, SamplerKind.Sobol, SamplerKind.Tpe };

    private static double Quadratic(IReadOnlyDictionary<string, object> p) =>
        Math.Pow(Math.Log10(Kit.D(p, "lr")) + 2, 2) + Math.Pow((Kit.D(p, "layers") - 5) / 4, 2) + (p["opt"] is "adam" ? 0 : 0.5) + Kit.D(p, "dropout");

    [Theory]
    [MemberData(nameof(AllSamplers))]
    public void Suggestions_are_valid_assignments_of_active_parameters(SamplerKind kind)
    {
        var space = Kit.MixedSpace();
        var policy = new SweepPolicy(space, Kit.Config(kind));
        var (history, _, _) = Kit.Drive(policy, (p, e) => Quadratic(p), workers: 4, maxTicks: 200);
        Assert.True(history.Count >= 30);
        foreach (var t in history)
        {
            foreach (var spec in space.Parameters)
            {
                var active = space.IsActive(spec, t.Params);
                Assert.Equal(active, t.Params.ContainsKey(spec.Name));
                if (!active)
                {
                    continue;
                }

                var v = t.Params[spec.Name];
                if (spec.Type == ParameterType.Categorical)
                {
                    Assert.Contains(spec.Values!, x => SearchSpace.ValuesEqual(x, v));
                }
                else
                {
                    Assert.InRange(Kit.D(t.Params, spec.Name), spec.Min!.Value, spec.Max!.Value);
                    Assert.Equal(spec.Type == ParameterType.Int, v is long);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllSamplers))]
    public void Every_suggestion_satisfies_the_callers_constraint(SamplerKind kind)
    {
        // Trainable fraction proxy: full fine-tuning of shallow freezing is "too big".
        bool Small(IReadOnlyDictionary<string, object> p) => !(SearchSpace.ValuesEqual(p[Kit.LoraRank], 0) && Kit.D(p, Kit.FreezeDepth) < 2);
        var policy = new SweepPolicy(Kit.FineTuneSpace(Small), Kit.Config(kind));
        var (history, _, _) = Kit.Drive(policy, (p, e) => Kit.D(p, Kit.LrFactor), workers: 4, maxTicks: 100);
        Assert.NotEmpty(history);
        Assert.All(history, t => Assert.True(Small(t.Params), SearchSpace.Key(t.Params)));
    }

    [Fact]
    public void Unsatisfiable_constraint_ends_the_sweep_as_exhausted()
    {
        var policy = new SweepPolicy(Kit.FineTuneSpace(_ => false), Kit.Config(SamplerKind.Random));
        var d = policy.Decide([], TimeSpan.Zero, 0, 2);
        Assert.Empty(d.NewTrials);
        Assert.Equal(SweepStopReason.SearchSpaceExhausted, d.Stop?.Reason);
    }

    [Fact]
    public void Grid_enumerates_each_point_once_then_reports_exhaustion()
    {
        var space = SearchSpace.Create([ParameterSpec.Categorical("opt", "sgd", "adam"), ParameterSpec.Float("m", 0, 1).When("opt", "sgd"), ParameterSpec.Int("k", 0, 2)]);
        var policy = new SweepPolicy(space, Kit.Config(SamplerKind.Grid) with { Algorithm = new AlgorithmConfig(SamplerKind.Grid, 3) { GridPoints = 3 } });
        var (history, last, _) = Kit.Drive(policy, (p, e) => 1.0, workers: 2);
        // sgd: 3 momentum values × 3 k; adam: 3 k (momentum inactive) = 12 distinct points.
        Assert.Equal(12, history.Count);
        Assert.Equal(12, history.Select(t => SearchSpace.Key(t.Params)).Distinct().Count());
        Assert.Equal(SweepStopReason.SearchSpaceExhausted, last.Stop?.Reason);
    }

    [Fact]
    public void Grid_values_cover_ranges_on_their_scale()
    {
        Assert.Equal([0.001, 0.01, 0.1, 1.0], GridSampler.Values(ParameterSpec.Float("f", 0.001, 1, ParameterScale.Log), 4).Select(v => Math.Round((double)v, 12)));
        Assert.Equal([0L, 1L, 2L, 3L, 4L], GridSampler.Values(ParameterSpec.Int("k", 0, 4), 5));
        Assert.Equal([0L, 5L, 10L], GridSampler.Values(ParameterSpec.Int("k", 0, 10), 3));
    }

    [Fact]
    public void Oversized_grid_is_an_error_naming_the_parameter()
    {
        var space = SearchSpace.Create(Enumerable.Range(0, 12).Select(i => ParameterSpec.Float($"x{i}", 0, 1)));
        var ex = Assert.Throws<SearchSpaceException>(() => new SweepPolicy(space, Kit.Config(SamplerKind.Grid)));
        Assert.StartsWith("x", ex.Parameter);
    }

    [Fact]
    public void Sobol_points_are_stratified_in_every_dimension()
    {
        // The first 2^k points of a Sobol sequence put exactly one point in each interval [j/2^k, (j+1)/2^k).
        for (var dim = 0; dim < SobolSampler.MaxDimensions; dim++)
        {
            var cells = Enumerable.Range(0, 64).Select(n => (int)(SobolSampler.Point((ulong)n, dim) * 64)).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, 64), cells);
        }
    }

    [Fact]
    public void Sobol_covers_a_square_more_evenly_than_random()
    {
        var space = SearchSpace.Create([ParameterSpec.Float("a", 0, 1), ParameterSpec.Float("b", 0, 1)]);
        int EmptyCells(SamplerKind kind)
        {
            var sampler = kind == SamplerKind.Sobol ? (ISampler)new SobolSampler(space, 5) : new RandomSampler(space, 5);
            var hit = new HashSet<(int, int)>();
            for (var i = 0; i < 64; i++)
            {
                var p = sampler.Suggest(i, [], [])!;
                hit.Add(((int)(Kit.D(p, "a") * 8), (int)(Kit.D(p, "b") * 8)));
            }

            return 64 - hit.Count;
        }

        Assert.True(EmptyCells(SamplerKind.Sobol) < EmptyCells(SamplerKind.Random));
    }

    [Fact]
    public void Tpe_finds_better_points_than_random_on_the_same_budget()
    {
        double BestOf(SamplerKind kind, ulong seed)
        {
            var policy = new SweepPolicy(Kit.MixedSpace(), Kit.Config(kind, stop: new SweepStopConfig { MaxTrials = 60 }, seed: seed));
            var (history, _, _) = Kit.Drive(policy, (p, e) => Quadratic(p), workers: 2);
            return history.Min(t => t.Objective!.Value);
        }

        var seeds = Enumerable.Range(1, 5).Select(s => (ulong)s).ToList();
        var tpe = seeds.Select(s => BestOf(SamplerKind.Tpe, s)).Order().ElementAt(2);
        var random = seeds.Select(s => BestOf(SamplerKind.Random, s)).Order().ElementAt(2);
        Assert.True(tpe < random, $"median best: tpe {tpe}, random {random}");
    }

    // Multi-fidelity ranking: trials that trained further rank first, whatever their values. Twelve trials near x = 80
    // trained the full 9 epochs (loss 50, worse than any early value); forty near x = 20 stopped at epoch 1 with
    // loss 1. The good density is the full-length trials, so suggestions go near 80, not to the cheap early values.
    [Fact]
    public void Tpe_with_early_stopping_ranks_trials_that_trained_further_first()
    {
        var space = SearchSpace.Create([ParameterSpec.Float("x", 0, 100)]);
        var full = Enumerable.Range(0, 12).Select(i => new TrialRecord(i, Kit.P(("x", 78.0 + (i % 5))), TrialStatus.Succeeded)
        {
            Observations = [.. Enumerable.Range(1, 9).Select(s => new Observation(s, 60 - s))],
            Objective = 50 + (i * 0.01),
        });
        var early = Enumerable.Range(12, 40).Select(i => new TrialRecord(i, Kit.P(("x", 15.0 + (i % 10))), TrialStatus.EarlyStopped)
        {
            Observations = [new Observation(1, 1 + (i * 0.01))],
        });
        var policy = new SweepPolicy(space, Kit.Config(SamplerKind.Tpe, es: new EarlyStoppingConfig(EarlyStoppingKind.Asha) { Mode = AshaMode.Stop }));
        var d = policy.Decide([.. full, .. early], TimeSpan.Zero, 0, 8);
        Assert.Equal(8, d.NewTrials.Count);
        Assert.True(d.NewTrials.Count(n => Kit.D(n.Params, "x") > 50) >= 6, string.Join(", ", d.NewTrials.Select(n => Kit.D(n.Params, "x").ToString("F1", CultureInfo.InvariantCulture))));
    }

    // The ranking by resource stops at the level the good set can fill. Two trials near x = 80 were promoted early and
    // trained all 9 epochs (loss 5 at epoch 3, 4 at the end); thirty near x = 20 reached epoch 3 with loss 1; twenty
    // near x = 50 stopped at epoch 1. The good set has ⌈0.1·52⌉ = 6 places and only two trials reached 9, so trials
    // are compared at epoch 3, where x ≈ 20 is better: suggestions go there, not to the two lucky early promotions.
    [Fact]
    public void Tpe_compares_trials_at_the_highest_level_the_good_set_can_fill()
    {
        var space = SearchSpace.Create([ParameterSpec.Float("x", 0, 100)]);
        var lucky = Enumerable.Range(0, 2).Select(i => new TrialRecord(i, Kit.P(("x", 79.0 + i)), TrialStatus.Succeeded)
        {
            Observations = [.. Enumerable.Range(1, 9).Select(s => new Observation(s, s < 3 ? 6 : s < 9 ? 5 : 4))],
            Objective = 4,
        });
        var rung3 = Enumerable.Range(2, 30).Select(i => new TrialRecord(i, Kit.P(("x", 15.0 + (i % 10))), TrialStatus.Paused)
        {
            Observations = [new Observation(1, 2 + (i * 0.01)), new Observation(2, 1.5), new Observation(3, 1 + (i * 0.01))],
            Budget = 3,
        });
        var rung1 = Enumerable.Range(32, 20).Select(i => new TrialRecord(i, Kit.P(("x", 45.0 + (i % 10))), TrialStatus.Paused)
        {
            Observations = [new Observation(1, 3 + (i * 0.01))],
            Budget = 1,
        });
        var policy = new SweepPolicy(space, Kit.Config(SamplerKind.Tpe, es: new EarlyStoppingConfig(EarlyStoppingKind.Asha) { Mode = AshaMode.Stop }));
        var d = policy.Decide([.. lucky, .. rung3, .. rung1], TimeSpan.Zero, 0, 8);
        Assert.Equal(8, d.NewTrials.Count);
        var xs = d.NewTrials.Select(n => Kit.D(n.Params, "x")).ToList();
        Assert.True(xs.Count(x => x < 35) >= 7, string.Join(", ", xs.Select(x => x.ToString("F1", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Tpe_parallel_suggestions_differ_constant_liar()
    {
        var space = Kit.MixedSpace();
        var policy = new SweepPolicy(space, Kit.Config(SamplerKind.Tpe));
        var (history, _, _) = Kit.Drive(policy, (p, e) => Quadratic(p), workers: 4, maxTicks: 10);
        var finished = history.Where(t => t.Status == TrialStatus.Succeeded).ToList();
        Assert.True(finished.Count >= 4);
        var d = policy.Decide(finished, TimeSpan.Zero, 0, 6);
        Assert.Equal(6, d.NewTrials.Count);
        Assert.Equal(6, d.NewTrials.Select(n => SearchSpace.Key(n.Params)).Distinct().Count());
    }

    [Fact]
    public void Tpe_handles_a_conditional_categorical_space_and_learns_the_branch()
    {
        var space = SearchSpace.Create(
        [
            ParameterSpec.Categorical("method", "lora", "full"),
            ParameterSpec.Categorical("rank", 4L, 8L, 16L).When("method", "lora"),
            ParameterSpec.Float("lr", 1e-4, 1, ParameterScale.Log),
        ]);
        double F(IReadOnlyDictionary<string, object> p) => (p["method"] is "lora" ? Math.Abs(Kit.D(p, "rank") - 8) / 8 : 1) + Math.Abs(Math.Log10(Kit.D(p, "lr")) + 2);
        var policy = new SweepPolicy(space, Kit.Config(SamplerKind.Tpe, stop: new SweepStopConfig { MaxTrials = 50 }));
        var (history, _, _) = Kit.Drive(policy, (p, e) => F(p), workers: 2);
        var late = history.OrderBy(t => t.Index).Skip(30).ToList();
        Assert.True(late.Count(t => t.Params["method"] is "lora") > late.Count / 2);
        Assert.All(history.Where(t => t.Params["method"] is "full"), t => Assert.False(t.Params.ContainsKey("rank")));
    }

    [Fact]
    public void Random_suggestions_depend_only_on_seed_and_index()
    {
        var space = Kit.MixedSpace();
        var prop = Prop.ForAll(Gen.Choose(0, 10_000).ToArbitrary(), index =>
        {
            var a = new RandomSampler(space, 11).Suggest(index, [], [])!;
            var b = new RandomSampler(space, 11).Suggest(index, [], [])!;
            var c = new RandomSampler(space, 12).Suggest(index, [], [])!;
            return SearchSpace.Key(a) == SearchSpace.Key(b) && SearchSpace.Key(a) != SearchSpace.Key(c);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), prop);
    }

    [Fact]
    public void Rng_is_uniform_enough_and_stable()
    {
        var r = new Rng(1, 2, 3);
        var xs = Enumerable.Range(0, 20_000).Select(_ => r.NextDouble()).ToArray();
        Assert.InRange(xs.Average(), 0.49, 0.51);
        Assert.All(xs, x => Assert.InRange(x, 0, 0.9999999999));
        Assert.Equal(new Rng(1, 2, 3).NextULong(), new Rng(1, 2, 3).NextULong());
        Assert.NotEqual(new Rng(1, 2, 3).NextULong(), new Rng(1, 2, 4).NextULong());
    }

    [Fact]
    public void Normal_cdf_matches_known_values()
    {
        Assert.Equal(0.5, TpeSampler.NormalCdf(0), 6);
        Assert.Equal(0.841344746, TpeSampler.NormalCdf(1), 6);
        Assert.Equal(0.022750132, TpeSampler.NormalCdf(-2), 6);
    }
}
