using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Api.Tests;

/// <summary>spec.searchSpace.preset: what each preset expands to, what wins over it, and how bad names are reported.</summary>
public sealed class PresetTests
{
    private static SearchSpace Expand(string? preset, AlgorithmName algorithm = AlgorithmName.Random, Action<SearchSpace>? change = null)
    {
        var job = TestJobs.Minimal().With(s =>
        {
            s.SearchSpace = new SearchSpace { Preset = preset };
            change?.Invoke(s.SearchSpace);
            s.Algorithm = new AlgorithmSpec { Name = algorithm };
        });
        return FineTuneJobDefaults.Apply(job.Spec).SearchSpace!;
    }

    private static (double, double) Range(ParameterSpec p) => (p.Min!.Value, p.Max!.Value);

    private static double[] Points(ParameterSpec p) => [.. p.Values!.Select(v => v.Number)];

    /// <summary>Rows: preset (null = no preset), freezeDepth range, lrFactor range, loraLrFactor range, loraRank values.</summary>
    public static TheoryData<string?, (double, double), (double, double), (double, double), double[]> Expansions() => new()
    {
        { null, (0, 2), (0.1, 10), (1, 10), [0, 4, 8] },
        { "small-similar", (1, 3), (0.3, 3), (3, 10), [0, 4, 8] },
        { "small-different", (0, 2), (0.3, 10), (3, 10), [0, 4, 8] },
        { "large-similar", (0, 2), (0.3, 3), (3, 10), [0, 8] },
        { "large-different", (0, 1), (0.3, 10), (3, 10), [0, 8] },
    };

    [Theory]
    [MemberData(nameof(Expansions))]
    public void A_preset_fills_every_knob_with_its_ranges(string? preset, (double, double) freeze, (double, double) lr, (double, double) loraLr, double[] ranks)
    {
        var space = Expand(preset);
        Assert.Equal(freeze, Range(space.FreezeDepth!));
        Assert.Equal((ParameterType.Float, ParameterScale.Log), (space.LrFactor!.Type!.Value, space.LrFactor.Scale!.Value));
        Assert.Equal(lr, Range(space.LrFactor));
        Assert.Equal(loraLr, Range(space.LoraLrFactor!));
        Assert.Equal(ranks, Points(space.LoraRank!));
        Assert.Equal(["freezeDepth", "lrFactor", "loraLrFactor", "loraRank"], space.AllParameters().Select(p => p.Key));
    }

    /// <summary>Rows: preset, lrFactor grid points, loraLrFactor grid points (the 1-3-10 ladder inside each range).</summary>
    [Theory]
    [InlineData(null, new[] { 0.1, 0.3, 1, 3, 10 }, new[] { 1.0, 3, 10 })]
    [InlineData("small-similar", new[] { 0.3, 1, 3 }, new[] { 3.0, 10 })]
    [InlineData("large-different", new[] { 0.3, 1, 3, 10 }, new[] { 3.0, 10 })]
    public void Under_grid_the_LR_ranges_become_ladder_points(string? preset, double[] lr, double[] loraLr)
    {
        var space = Expand(preset, AlgorithmName.Grid);
        Assert.Equal(lr, Points(space.LrFactor!));
        Assert.Equal(loraLr, Points(space.LoraLrFactor!));
    }

    /// <summary>Rows: what the job sets itself, and which knobs must then differ from the small-similar preset.</summary>
    public static TheoryData<string, Action<SearchSpace>, Func<SearchSpace, bool>> Overrides() => new()
    {
        { "freezeDepth", s => s.FreezeDepth = new() { Type = ParameterType.Int, Min = 0, Max = 1 }, s => Range(s.FreezeDepth!) == (0, 1) && Range(s.LrFactor!) == (0.3, 3) },
        { "loraRank", s => s.LoraRank = new() { Type = ParameterType.Categorical, Values = [0, 16] }, s => Points(s.LoraRank!).SequenceEqual([0.0, 16]) && s.LoraLrFactor is not null },
        { "loraLrFactor", s => s.LoraLrFactor = new() { Type = ParameterType.Float, Min = 5, Max = 50, Scale = ParameterScale.Log }, s => Range(s.LoraLrFactor!) == (5, 50) && Range(s.LrFactor!) == (0.3, 3) },
        // An explicit lrFactor alone covers every trial: no separate LoRA range is added.
        { "lrFactor", s => s.LrFactor = new() { Type = ParameterType.Float, Min = 0.5, Max = 2 }, s => Range(s.LrFactor!) == (0.5, 2) && s.LoraLrFactor is null && Range(s.FreezeDepth!) == (1, 3) },
    };

    [Theory]
    [MemberData(nameof(Overrides))]
    public void Knobs_the_job_sets_win_over_its_preset(string knob, Action<SearchSpace> set, Func<SearchSpace, bool> expected)
    {
        Assert.True(expected(Expand("small-similar", change: set)), knob);
    }

    [Fact]
    public void Without_a_preset_an_explicit_lrFactor_still_applies_to_every_trial()
    {
        var space = Expand(null, change: s => s.LrFactor = new() { Type = ParameterType.Categorical, Values = [0.1] });
        Assert.Null(space.LoraLrFactor);
        Assert.Equal(["freezeDepth", "lrFactor", "loraRank"], space.AllParameters().Select(p => p.Key));
    }

    /// <summary>Rows: the search space as written, the field path of the one error (null = valid), words the message or fix must contain.</summary>
    public static TheoryData<string, Action<SearchSpace>, string?, string[]> Validation() => new()
    {
        { "every preset is valid", s => s.Preset = "large-different", null, [] },
        { "unknown preset", s => s.Preset = "tiny", "spec.searchSpace.preset", ["'tiny' is not a preset", "small-similar, small-different, large-similar, large-different", "ctune presets"] },
        { "case matters", s => s.Preset = "Small-Similar", "spec.searchSpace.preset", ["is not a preset"] },
        { "loraLrFactor must be > 0", s => s.LoraLrFactor = new() { Type = ParameterType.Float, Min = 0, Max = 10 }, "spec.searchSpace.loraLrFactor.min", ["loraLrFactor multiplies the pretraining learning rate"] },
        { "loraLrFactor values must be > 0", s => s.LoraLrFactor = new() { Type = ParameterType.Categorical, Values = [1, -3] }, "spec.searchSpace.loraLrFactor.values[1]", ["loraLrFactor must be a number > 0"] },
        { "loraLrFactor is a knob, not a parameter", s => s.Parameters = new() { ["loraLrFactor"] = new() { Type = ParameterType.Float, Min = 1, Max = 3 } }, "spec.searchSpace.parameters.loraLrFactor", ["first-class knob"] },
        { "no own condition while split", s => s.LoraLrFactor = new() { Type = ParameterType.Float, Min = 1, Max = 10, Scale = ParameterScale.Log, Condition = new() { Parameter = "loraRank", In = [4] } }, "spec.searchSpace.loraLrFactor.condition", ["already conditional on loraRank", "remove the condition"] },
    };

    [Theory]
    [MemberData(nameof(Validation))]
    public void Preset_and_loraLrFactor_errors_name_the_field_and_the_fix(string row, Action<SearchSpace> set, string? path, string[] words)
    {
        var job = TestJobs.Minimal().With(s =>
        {
            s.SearchSpace = new SearchSpace();
            set(s.SearchSpace);
        });
        var errors = FineTuneJobValidator.Validate(job);
        Assert.True(errors.Count == (path is null ? 0 : 1), $"{row}: {string.Join("; ", errors)}");
        if (path is null)
        {
            return;
        }

        var e = errors[0];
        Assert.Equal(path, e.Path);
        foreach (var w in words)
        {
            Assert.Contains(w, e.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Rows: preset under grid, expected grid size (lrFactor points × loraRank 0 + loraLrFactor points × other ranks, × freezeDepth).</summary>
    [Theory]
    [InlineData(null, 3 * (5 + (3 * 2)))]
    [InlineData("small-similar", 3 * (3 + (2 * 2)))]
    [InlineData("large-different", 2 * (4 + 2))]
    public void Grid_size_counts_the_LR_split_exactly(string? preset, int expected)
    {
        var job = TestJobs.Minimal().With(s => { s.SearchSpace = new SearchSpace { Preset = preset }; s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid }; });
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.Equal(expected, FineTuneJobDefaults.GridSize(spec.SearchSpace!));
        Assert.Equal(expected, spec.Budget!.MaxTrials);
    }
}
