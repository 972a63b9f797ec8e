using ClusterTune.Search.Population;

namespace ClusterTune.Search.Tests;

/// <summary>PBT's decision: truncation selection (who exploits whom) and exploration (how parameters move), with a seeded generator.</summary>
public sealed class PbtTests
{
    private static readonly SearchSpace Space = SearchSpace.Create(
    [
        ParameterSpec.Float("lrFactor", 0.001, 1, ParameterScale.Log),
        ParameterSpec.Int("loraRank", 0, 16),
        ParameterSpec.Categorical("optimizer", "sgd", "adam", "adamw"),
    ]);

    private static PbtConfig Config(double quantile = 0.25, double resample = 0, params double[] factors) =>
        new(2, quantile, factors.Length == 0 ? [0.8, 1.2] : factors, resample);

    private static PbtMember Member(int index, double score, double lr = 0.1) =>
        new(index, new Dictionary<string, object> { ["lrFactor"] = lr, ["loraRank"] = 8L, ["optimizer"] = "adam" }, score);

    public static TheoryData<double[], double, int[], int[]> Selections => new()
    {
        // scores by index, quantile fraction, expected losers, possible donors
        { [0.9, 0.5, 0.7, 0.1], 0.25, [3], [0] },
        { [0.9, 0.5, 0.7, 0.1, 0.3, 0.8, 0.6, 0.2], 0.25, [3, 7], [0, 5] },
        { [0.1, 0.2], 0.5, [0], [1] },
        { [0.1, 0.2, 0.3], 0.5, [0], [2] }, // ⌈1.5⌉ = 2 is capped at ⌊3/2⌋ = 1 so top and bottom never overlap
        { [0.5, 0.5, 0.5, 0.5], 0.25, [3], [0] }, // ties: the lower index ranks higher
        { [0.9, 0.1], 0.1, [1], [0] }, // at least one exploit once q·n > 0
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void Bottom_quantile_exploits_the_top_quantile(double[] scores, double quantile, int[] losers, int[] donors)
    {
        var members = scores.Select((s, i) => Member(i, s)).ToList();
        for (var seed = 0; seed < 20; seed++)
        {
            var exploits = Pbt.Decide(members, Space, Config(quantile), new Random(seed));
            Assert.Equal(losers, exploits.Select(x => x.Index));
            Assert.All(exploits, x => Assert.Contains(x.Donor, donors));
        }
    }

    [Fact]
    public void Single_member_exploits_nobody()
    {
        Assert.Empty(Pbt.Decide([Member(0, 0.5)], Space, Config(), new Random(1)));
    }

    [Fact]
    public void Both_top_donors_are_drawn_and_the_same_seed_decides_the_same()
    {
        var members = new[] { 0.9, 0.5, 0.7, 0.1, 0.3, 0.8, 0.6, 0.2 }.Select((s, i) => Member(i, s, lr: 0.01 * (i + 1))).ToList();
        var donors = Enumerable.Range(0, 40).SelectMany(seed => Pbt.Decide(members, Space, Config(), new Random(seed)).Select(x => x.Donor)).ToHashSet();
        Assert.Equal([0, 5], donors.Order());
        var a = Pbt.Decide(members, Space, Config(), new Random(7));
        var b = Pbt.Decide(members, Space, Config(), new Random(7));
        Assert.Equal(a.Select(x => (x.Index, x.Donor, x.Params["lrFactor"])), b.Select(x => (x.Index, x.Donor, x.Params["lrFactor"])));
        // The exploit starts from the donor's parameters, explored: lrFactor is the donor's × 0.8 or × 1.2.
        Assert.All(a, x => Assert.Contains((double)x.Params["lrFactor"], new[] { 0.8, 1.2 }.Select(f => (double)members[x.Donor].Params["lrFactor"] * f)));
    }

    public static TheoryData<string, object, double, double, object[]> Explorations => new()
    {
        // parameter, value, factor, resample probability, possible results
        { "lrFactor", 0.1, 1.2, 0, [0.12] },
        { "lrFactor", 0.9, 1.2, 0, [1.0] }, // clamped to the range's max
        { "lrFactor", 0.001, 0.8, 0, [0.001] }, // and to its min
        { "loraRank", 8L, 1.2, 0, [10L] }, // 9.6 rounds to 10, an integer stays one
        { "loraRank", 8L, 0.8, 0, [6L] },
        { "optimizer", "adam", 1, 0, ["sgd", "adamw"] }, // a neighbour, never itself
        { "optimizer", "sgd", 1, 0, ["adam"] }, // the edge has one neighbour
        { "optimizer", "adamw", 1, 0, ["adam"] },
        { "optimizer", "adam", 1, 1, ["sgd", "adam", "adamw"] }, // resampled uniformly
    };

    [Theory]
    [MemberData(nameof(Explorations))]
    public void Explore_moves_each_parameter_within_its_space(string name, object value, double factor, double resample, object[] allowed)
    {
        var seen = new HashSet<object>();
        for (var seed = 0; seed < 50; seed++)
        {
            var explored = Pbt.Explore(new Dictionary<string, object> { [name] = value, ["unknown"] = "kept" }, Space, Config(resample: resample, factors: factor), new Random(seed));
            var v = explored[name];
            Assert.Contains(allowed, a => SearchSpace.ValuesEqual(a, v) || a is double d && v is double e && Math.Abs(d - e) < 1e-12);
            Assert.Equal("kept", explored["unknown"]);
            seen.Add(v);
        }

        Assert.Equal(allowed.Length, seen.Count); // every allowed outcome occurs: the choice is random, not fixed
    }
}
