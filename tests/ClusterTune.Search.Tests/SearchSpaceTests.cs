using FsCheck;
using FsCheck.Fluent;

namespace ClusterTune.Search.Tests;

public sealed class SearchSpaceTests
{
    public static TheoryData<string, ParameterSpec[], string> Invalid => new()
    {
        { "empty int range", [ParameterSpec.Int("freezeDepth", 5, 2)], "freezeDepth" },
        { "empty float range", [ParameterSpec.Float("lr", 1, 0.5)], "lr" },
        { "log scale at zero", [ParameterSpec.Float("lrFactor", 0, 1, ParameterScale.Log)], "lrFactor" },
        { "log scale negative", [ParameterSpec.Int("width", -4, 8, ParameterScale.Log)], "width" },
        { "missing max", [new ParameterSpec("a", ParameterType.Float) { Min = 1 }], "a" },
        { "NaN bound", [ParameterSpec.Float("b", double.NaN, 1)], "b" },
        { "no categorical values", [ParameterSpec.Categorical("loraRank")], "loraRank" },
        { "duplicate categorical value", [ParameterSpec.Categorical("loraRank", 4L, 4)], "loraRank" },
        { "unknown condition parent", [ParameterSpec.Float("momentum", 0, 1).When("optimizer", "sgd")], "momentum" },
        { "condition value not a parent value", [ParameterSpec.Categorical("opt", "sgd"), ParameterSpec.Float("m", 0, 1).When("opt", "adam")], "m" },
        { "duplicate name", [ParameterSpec.Float("x", 0, 1), ParameterSpec.Float("x", 0, 2)], "x" },
        { "negative step", [ParameterSpec.Float("s", 0, 1, step: -0.1)], "s" },
        { "fractional int step", [new ParameterSpec("k", ParameterType.Int) { Min = 0, Max = 4, Step = 0.5 }], "k" },
        { "fractional int bound", [new ParameterSpec("k", ParameterType.Int) { Min = 0.5, Max = 4 }], "k" },
        { "step wider than range", [ParameterSpec.Float("w", 0, 1, step: 2)], "w" },
        { "condition cycle", [ParameterSpec.Categorical("a", 1L).When("b", 1L), ParameterSpec.Categorical("b", 1L).When("a", 1L)], "a" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_spaces_name_the_parameter_and_the_fix(string why, ParameterSpec[] ps, string parameter)
    {
        var ex = Assert.Throws<SearchSpaceException>(() => SearchSpace.Create(ps));
        Assert.Equal(parameter, ex.Parameter);
        Assert.Contains($"searchSpace.{parameter}:", ex.Message);
        Assert.True(ex.Message.Length > parameter.Length + 20, why);
    }

    [Fact]
    public void Empty_space_is_an_error()
    {
        Assert.Throws<SearchSpaceException>(() => SearchSpace.Create([]));
    }

    [Fact]
    public void Validate_returns_every_error_without_throwing()
    {
        var errors = SearchSpace.Validate([ParameterSpec.Int("a", 3, 1), ParameterSpec.Float("b", -1, 1, ParameterScale.Log)]);
        Assert.Equal(["a", "b"], errors.Select(e => e.Parameter));
    }

    [Fact]
    public void Children_come_after_their_parent_whatever_the_declaration_order()
    {
        var space = SearchSpace.Create([ParameterSpec.Float("m", 0, 1).When("opt", "sgd"), ParameterSpec.Categorical("opt", "sgd", "adam")]);
        Assert.Equal(["opt", "m"], space.Parameters.Select(p => p.Name));
    }

    [Theory]
    [InlineData("sgd", true)]
    [InlineData("adam", false)]
    public void Conditional_parameter_is_active_only_under_its_parent_value(string opt, bool active)
    {
        var space = Kit.MixedSpace();
        Assert.Equal(active, space.IsActive(space.Find("momentum")!, Kit.P(("opt", opt))));
    }

    [Fact]
    public void Numbers_compare_by_value_across_types()
    {
        Assert.True(SearchSpace.ValuesEqual(8, 8L));
        Assert.True(SearchSpace.ValuesEqual(8.0, 8L));
        Assert.False(SearchSpace.ValuesEqual("8", 8L));
        Assert.Equal(SearchSpace.Key(Kit.P(("b", 1), ("a", "x"))), SearchSpace.Key(Kit.P(("a", "x"), ("b", 1.0))));
    }

    [Fact]
    public void Unit_mapping_stays_in_range_respects_step_and_round_trips()
    {
        var specs = new[]
        {
            ParameterSpec.Float("lin", -3, 5),
            ParameterSpec.Float("log", 1e-4, 10, ParameterScale.Log),
            ParameterSpec.Int("int", 2, 64, ParameterScale.Log),
            ParameterSpec.Int("stepped", 1, 10, step: 3),
            ParameterSpec.Float("fstep", 0, 1, step: 0.25),
        };
        var prop = Prop.ForAll(Gen.Choose(0, 1_000_000).Select(i => i / 1_000_000.0).ToArbitrary(), u =>
        {
            foreach (var p in specs)
            {
                var v = SearchSpace.FromUnit(p, u);
                var d = Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture);
                if (d < p.Min || d > p.Max || (p.Type == ParameterType.Int) != v is long)
                {
                    return false;
                }

                if (p.Step is { } s && Math.Abs(Math.IEEERemainder(d - p.Min!.Value, s)) > 1e-9)
                {
                    return false;
                }

                if (p.Step is null && p.Type == ParameterType.Float && Math.Abs(SearchSpace.ToUnit(p, d) - u) > 1e-9)
                {
                    return false;
                }
            }

            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), prop);
    }
}
