using ClusterTune.Cli.Commands;

namespace ClusterTune.Cli.Tests.Presets;

/// <summary>`ctune presets`: prints what each preset expands to, through the operator's own defaulting.</summary>
public sealed class PresetsCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var @out = new StringWriter();
        using var err = new StringWriter();
        var code = await Dispatcher.RunAsync(["presets", .. args], @out, err, CancellationToken.None);
        return (code, @out.ToString(), err.ToString());
    }

    /// <summary>Rows: arguments, lines the output must contain (YAML of the expanded space).</summary>
    [Theory]
    [InlineData(new[] { "small-similar" }, new[] { "small-similar: few labels", "preset: small-similar", "min: 1\n", "max: 3\n", "min: 0.3\n", "loraLrFactor:" })]
    [InlineData(new[] { "large-different", "--algorithm", "grid" }, new[] { "algorithm grid", "lrFactor:\n        type: categorical\n        values:\n        - 0.3\n        - 1\n        - 3\n        - 10\n", "loraLrFactor:\n        type: categorical\n        values:\n        - 3\n        - 10\n" })]
    [InlineData(new[] { "default" }, new[] { "default: no preset", "min: 0.1\n", "max: 10\n", "scale: log" })]
    public async Task Prints_the_space_a_preset_expands_to(string[] args, string[] expected)
    {
        var (code, @out, err) = await Run(args);
        Assert.Equal(0, code);
        Assert.Equal("", err);
        foreach (var e in expected)
        {
            Assert.Contains(e, @out, StringComparison.Ordinal);
        }

        Assert.Single(@out.Split('\n'), l => l.Contains(": ", StringComparison.Ordinal) && !l.StartsWith(' '));
    }

    [Fact]
    public async Task Without_a_name_every_preset_and_the_default_are_printed()
    {
        var (code, @out, _) = await Run();
        Assert.Equal(0, code);
        foreach (var name in new[] { "default", "small-similar", "small-different", "large-similar", "large-different" })
        {
            Assert.Contains($"\n{name}: ", "\n" + @out, StringComparison.Ordinal);
        }
    }

    /// <summary>Rows: arguments, words of the error.</summary>
    [Theory]
    [InlineData(new[] { "tiny" }, new[] { "'tiny' is not a preset", "small-similar, small-different, large-similar, large-different" })]
    [InlineData(new[] { "small-similar", "--algorithm", "bayes" }, new[] { "unexpected argument", "usage: ctune presets" })]
    [InlineData(new[] { "small-similar", "large-similar" }, new[] { "unexpected argument 'large-similar'" })]
    public async Task Bad_input_exits_2_and_says_what_is_allowed(string[] args, string[] words)
    {
        var (code, @out, err) = await Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", @out);
        foreach (var w in words)
        {
            Assert.Contains(w, err, StringComparison.Ordinal);
        }
    }
}
