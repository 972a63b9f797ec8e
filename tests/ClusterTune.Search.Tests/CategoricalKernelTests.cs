using ClusterTune.Search.Internal;
using ClusterTune.Search.Sampling;

namespace ClusterTune.Search.Tests;

/// <summary>
/// TPE's density over a categorical parameter (issue 16): Optuna's Laplace smoothing (each observation's kernel adds
/// prior weight / kernels to every value), and numeric value lists treated as ordered, so a good value's neighbours
/// in sorted order get more mass than values further away.
/// </summary>
public sealed class CategoricalKernelTests
{
    private static double Probability(SearchSpace space, object[] observed, object query)
    {
        var name = space.Parameters[0].Name;
        var comps = observed.Select(v => ParzenEstimator.Encode(space, Kit.P((name, v)))).ToList();
        var l = new ParzenEstimator(space, comps);
        return Math.Exp(l.LogDensity(ParzenEstimator.Encode(space, Kit.P((name, query)))));
    }

    /// <summary>Optuna 3.1's categorical Parzen estimator with prior weight 1, for unordered (string) values.</summary>
    private static double OptunaProbability(int n, int[] observed, int query)
    {
        var kernels = observed.Length + 1;
        var smooth = 1.0 / kernels;
        var p = (1.0 / n) / kernels; // the prior kernel
        foreach (var m in observed)
        {
            p += ((m == query ? 1 : 0) + smooth) / (1 + (n * smooth)) / kernels;
        }

        return p;
    }

    public static TheoryData<string[], int[], int> SmoothingCases => new()
    {
        { ["a", "b", "c", "d"], [0], 1 },
        { ["a", "b", "c", "d"], [0], 0 },
        { ["a", "b", "c", "d", "e", "f"], [2, 2, 4], 0 },
        { ["a", "b", "c", "d", "e", "f"], [2, 2, 4], 2 },
        { ["yes", "no"], [1, 1, 1, 1, 1, 1, 1, 1, 1], 0 },
        { ["sgd", "adam", "rmsprop"], [1, 2], 0 },
    };

    [Theory]
    [MemberData(nameof(SmoothingCases))]
    public void Unordered_values_get_optunas_prior_weight_smoothing(string[] values, int[] observed, int query)
    {
        var space = SearchSpace.Create([ParameterSpec.Categorical("c", values)]);
        var got = Probability(space, observed.Select(i => (object)values[i]).ToArray(), values[query]);
        Assert.Equal(OptunaProbability(values.Length, observed, query), got, 9);
    }

    public static TheoryData<object[], object, object, object> OrdinalCases => new()
    {
        // values as listed, the observed value, a neighbour in sorted order, a value further away
        { [0.03, 0.1, 0.3, 1.0, 3.0, 10.0], 0.3, 0.1, 3.0 },
        { [0.03, 0.1, 0.3, 1.0, 3.0, 10.0], 0.3, 1.0, 10.0 },
        { [0.03, 0.1, 0.3, 1.0, 3.0, 10.0], 10.0, 3.0, 1.0 },
        { [8L, 0L, 4L, 2L], 4L, 8L, 0L },
        { [8L, 0L, 4L, 2L], 4L, 2L, 0L },
        { [0L, 2L, 4L, 8L, 16L], 0L, 2L, 4L },
        { [0L, 1L, 2L, 3L], 3L, 2L, 1L },
    };

    [Theory]
    [MemberData(nameof(OrdinalCases))]
    public void Numeric_values_are_ordered_so_neighbours_of_a_good_value_get_more_mass(object[] values, object observed, object near, object far)
    {
        var space = SearchSpace.Create([ParameterSpec.Categorical("c", values)]);
        var pNear = Probability(space, [observed], near);
        var pFar = Probability(space, [observed], far);
        Assert.True(Probability(space, [observed], observed) > pNear, "the observed value keeps the most mass");
        Assert.True(pNear > pFar + 1e-3, $"neighbour {near} has {pNear:F4}, {far} further away has {pFar:F4}");
        Assert.Equal(1.0, values.Sum(v => Probability(space, [observed], v)), 9);
    }

    public static TheoryData<object[], object, object, object> UnorderedCases => new()
    {
        { ["sgd", "adam", "rmsprop"], "adam", "sgd", "rmsprop" },
        { [1L, "auto", 4L, 8L], 4L, 1L, 8L }, // a list mixing numbers and text has no order
    };

    [Theory]
    [MemberData(nameof(UnorderedCases))]
    public void Text_and_mixed_lists_are_unordered(object[] values, object observed, object a, object b)
    {
        var space = SearchSpace.Create([ParameterSpec.Categorical("c", values)]);
        Assert.Equal(Probability(space, [observed], a), Probability(space, [observed], b), 12);
        Assert.Equal(1.0, values.Sum(v => Probability(space, [observed], v)), 9);
    }

    public static TheoryData<object[], object[]> SamplingCases => new()
    {
        { [0.03, 0.1, 0.3, 1.0, 3.0, 10.0], [0.3, 0.3, 3.0] },
        { ["a", "b", "c", "d"], ["b"] },
        { [8L, 0L, 4L, 2L], [8L, 2L] },
    };

    [Theory]
    [MemberData(nameof(SamplingCases))]
    public void Samples_follow_the_density(object[] values, object[] observed)
    {
        var space = SearchSpace.Create([ParameterSpec.Categorical("c", values)]);
        var comps = observed.Select(v => ParzenEstimator.Encode(space, Kit.P(("c", v)))).ToList();
        var l = new ParzenEstimator(space, comps);
        var rng = new Rng(1, 2, 3);
        const int n = 40_000;
        var counts = new int[values.Length];
        for (var t = 0; t < n; t++)
        {
            var k = (int)ParzenEstimator.Encode(space, l.Sample(rng))[0]!.Value;
            counts[k]++;
        }

        for (var k = 0; k < values.Length; k++)
        {
            var expected = Probability(space, observed, values[k]);
            Assert.True(Math.Abs(expected - (counts[k] / (double)n)) < 0.01, $"{values[k]}: drawn {counts[k] / (double)n:F4}, density {expected:F4}");
        }
    }
}
