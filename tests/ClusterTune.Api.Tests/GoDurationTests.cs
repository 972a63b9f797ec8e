using k8s.Models;
namespace ClusterTune.Api.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData("500ms", 0.5)]
    [InlineData("1h0m0s", 3600)]
    public void Parses_go_durations(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var d), text);
        Assert.Equal(seconds, d.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("10")]
    [InlineData("2 hours")]
    [InlineData("1d")]
    [InlineData("-5m")]
    [InlineData("h")]
    public void Rejects_what_go_rejects(string? text) => Assert.False(GoDuration.TryParse(text, out _));

    [Fact]
    public void Parse_error_shows_the_expected_form()
    {
        var ex = Assert.Throws<FormatException>(() => GoDuration.Parse("2 hours"));
        Assert.Contains("2h", ex.Message);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(90, "1m30s")]
    [InlineData(5400, "1h30m0s")]
    public void Formats_like_go(int seconds, string expected) => Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Schema_pattern_accepts_what_the_parser_accepts()
    {
        var pattern = new System.Text.RegularExpressions.Regex(ClusterTune.Api.V1Alpha1.BudgetSpec.GoDurationPattern);
        foreach (var ok in new[] { "0", "90s", "1h30m", "1.5h", "500ms" })
        {
            Assert.Matches(pattern, ok);
        }

        foreach (var bad in new[] { "2 hours", "10", "1d" })
        {
            Assert.DoesNotMatch(pattern, bad);
        }
    }
}
