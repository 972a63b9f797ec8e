using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Tests;

/// <summary>CMA-ES (issue 17): convergence against random search on the same budget, bounds, ints, determinism.</summary>
public sealed class CmaEsTests
{
    private static readonly double[] Shift = [1.0, -2.0, 0.5, 3.0, -1.5, 2.5];

    private static SearchSpace Box(int dims, double lo, double hi) =>
        SearchSpace.Create(Enumerable.Range(0, dims).Select(i => ParameterSpec.Float($"x{i}", lo, hi)));

    private static double Sphere(IReadOnlyDictionary<string, object> p) =>
        Enumerable.Range(0, p.Count).Sum(i => Math.Pow(Kit.D(p, $"x{i}") - Shift[i], 2));

    private static double Rosenbrock(IReadOnlyDictionary<string, object> p)
    {
        var s = 0.0;
        for (var i = 0; i + 1 < p.Count; i++)
        {
            double a = Kit.D(p, $"x{i}"), b = Kit.D(p, $"x{i + 1}");
            s += (100 * Math.Pow(b - (a * a), 2)) + Math.Pow(1 - a, 2);
        }

        return s;
    }

    private static SweepConfig Config(SamplerKind kind, ulong seed, int trials) => new(ObjectiveDirection.Minimize,
        new AlgorithmConfig(kind, seed), EarlyStoppingConfig.None, new SweepStopConfig { MaxTrials = trials }, 1);

    private static List<TrialRecord> Sweep(SearchSpace space, SamplerKind kind, ulong seed, int trials, Func<IReadOnlyDictionary<string, object>, double> f, int workers = 1) =>
        Kit.Drive(new SweepPolicy(space, Config(kind, seed, trials)), (p, _) => f(p), workers: workers).History;

    public static TheoryData<string, int, int, ulong, double> ConvergenceCases => new()
    {
        // function, dimensions, evaluations, seed, CMA-ES's best must be below this
        { "sphere", 2, 120, 1, 1e-3 },
        { "sphere", 2, 120, 2, 1e-3 },
        { "sphere", 4, 250, 1, 1e-2 },
        { "sphere", 4, 250, 3, 1e-2 },
        { "sphere", 6, 400, 4, 1e-2 },
        { "rosenbrock", 2, 600, 1, 1e-3 },
    };

    [Theory]
    [MemberData(nameof(ConvergenceCases))]
    public void Converges_in_few_evaluations_where_random_search_does_not(string function, int dims, int evaluations, ulong seed, double below)
    {
        Func<IReadOnlyDictionary<string, object>, double> f = function == "sphere" ? Sphere : Rosenbrock;
        var space = function == "sphere" ? Box(dims, -5, 5) : Box(dims, -2, 2);
        var cma = Sweep(space, SamplerKind.CmaEs, seed, evaluations, f).Min(t => t.Objective!.Value);
        var random = Sweep(space, SamplerKind.Random, seed, evaluations, f).Min(t => t.Objective!.Value);
        Assert.True(cma < below, $"{function} {dims}-D after {evaluations} evaluations: CMA-ES best {cma:E2}, expected < {below:E0}");
        Assert.True(cma < random / 10, $"CMA-ES best {cma:E2} should beat random search's {random:E2} by 10×");
    }

    [Fact]
    public void Stays_inside_the_bounds_when_the_optimum_is_on_them()
    {
        // The unconstrained minimum (2, 10, −3) lies outside the box (one range on a log scale): the box's best point is
        // its corner (1, 1, 0), and draws beyond the bounds are resampled or clipped.
        var space = SearchSpace.Create([ParameterSpec.Float("a", -1, 1), ParameterSpec.Float("b", 1e-4, 1, ParameterScale.Log), ParameterSpec.Float("c", 0, 10)]);
        double F(IReadOnlyDictionary<string, object> p) => Math.Pow(Kit.D(p, "a") - 2, 2) + Math.Pow(Math.Log10(Kit.D(p, "b")) - 1, 2) + Math.Pow(Kit.D(p, "c") + 3, 2);
        var history = Sweep(space, SamplerKind.CmaEs, 3, 300, F, workers: 4);
        Assert.All(history, t =>
        {
            Assert.InRange(Kit.D(t.Params, "a"), -1, 1);
            Assert.InRange(Kit.D(t.Params, "b"), 1e-4, 1);
            Assert.InRange(Kit.D(t.Params, "c"), 0, 10);
        });
        var best = history.MinBy(t => t.Objective!.Value)!;
        var random = Sweep(space, SamplerKind.Random, 3, 300, F, workers: 4).Min(t => t.Objective!.Value);
        Assert.True(best.Objective < 11.2 && best.Objective < random, $"best {best.Objective:F3} at {SearchSpace.Key(best.Params)} (corner: 11; random search: {random:F3})");
    }

    [Fact]
    public void Rounds_int_parameters_to_their_step_and_finds_the_integer_optimum()
    {
        var space = SearchSpace.Create([ParameterSpec.Int("layers", 1, 31, step: 2), ParameterSpec.Int("width", 8, 512, ParameterScale.Log), ParameterSpec.Float("lr", 1e-5, 1e-1, ParameterScale.Log)]);
        double F(IReadOnlyDictionary<string, object> p) =>
            Math.Pow(Kit.D(p, "layers") - 13, 2) + Math.Pow(Math.Log2(Kit.D(p, "width") / 96), 2) + Math.Pow(Math.Log10(Kit.D(p, "lr") / 3e-3), 2);
        var history = Sweep(space, SamplerKind.CmaEs, 11, 150, F, workers: 2);
        Assert.All(history, t =>
        {
            var layers = Assert.IsType<long>(t.Params["layers"]);
            Assert.True(layers is >= 1 and <= 31 && layers % 2 == 1, $"layers {layers}");
            Assert.InRange(Assert.IsType<long>(t.Params["width"]), 8, 512);
        });
        var best = history.MinBy(t => t.Objective!.Value)!.Params;
        Assert.Equal(13L, best["layers"]);
        Assert.InRange((long)best["width"], 80, 115);
    }

    [Fact]
    public void Same_seed_same_trials_and_parallel_pending_trials_differ()
    {
        var space = Box(3, -5, 5);
        var a = Sweep(space, SamplerKind.CmaEs, 9, 60, Sphere, workers: 4);
        var b = Sweep(space, SamplerKind.CmaEs, 9, 60, Sphere, workers: 4);
        var c = Sweep(space, SamplerKind.CmaEs, 10, 60, Sphere, workers: 4);
        Assert.Equal(a.Select(t => SearchSpace.Key(t.Params)), b.Select(t => SearchSpace.Key(t.Params)));
        Assert.NotEqual(a.Select(t => SearchSpace.Key(t.Params)), c.Select(t => SearchSpace.Key(t.Params)));

        // Eight trials asked at once (generation 0 and, while it runs, generation 1 from the same state): all distinct.
        var first = new SweepPolicy(space, Config(SamplerKind.CmaEs, 9, 60)).Decide([], TimeSpan.Zero, 0, 8);
        Assert.Equal(8, first.NewTrials.Select(n => SearchSpace.Key(n.Params)).Distinct().Count());
    }

    [Fact]
    public void A_categorical_parameter_is_rejected_naming_the_field_and_the_fix()
    {
        var space = SearchSpace.Create([ParameterSpec.Float("lr", 1e-4, 1, ParameterScale.Log), ParameterSpec.Categorical("optimizer", "adam", "sgd")]);
        var e = Assert.Throws<ArgumentException>(() => new SweepPolicy(space, Config(SamplerKind.CmaEs, 1, 10)));
        Assert.Contains("algorithm.kind", e.Message, StringComparison.Ordinal);
        Assert.Contains("'optimizer' is categorical", e.Message, StringComparison.Ordinal);
        Assert.Contains("use tpe", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0.3, null)]
    [InlineData(1, 0.3, "algorithm.populationSize")]
    [InlineData(0, 0, "algorithm.sigma0")]
    [InlineData(0, 1.5, "algorithm.sigma0")]
    public void Settings_are_validated(int population, double sigma0, string? field)
    {
        var cfg = Config(SamplerKind.CmaEs, 1, 10) with { Algorithm = new AlgorithmConfig(SamplerKind.CmaEs, 1) { PopulationSize = population, Sigma0 = sigma0 } };
        var build = () => new SweepPolicy(Box(2, 0, 1), cfg);
        if (field is null)
        {
            build();
        }
        else
        {
            Assert.Equal(field, Assert.Throws<ArgumentException>(build).ParamName);
        }
    }

    [Theory]
    [InlineData(2, 1UL)]
    [InlineData(5, 2UL)]
    [InlineData(9, 3UL)]
    public void Eigen_decomposition_reconstructs_the_matrix(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var m = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                m[i, j] = m[j, i] = rng.NextGaussian();
            }
        }

        var (values, v) = SymmetricEigen.Decompose(m);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var r = Enumerable.Range(0, n).Sum(k => v[i, k] * values[k] * v[j, k]);
                Assert.Equal(m[i, j], r, 9);
                Assert.Equal(i == j ? 1 : 0, Enumerable.Range(0, n).Sum(k => v[k, i] * v[k, j]), 9);
            }
        }
    }
}
