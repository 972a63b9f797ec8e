using ClusterTune.Kubernetes.Selectors;

namespace ClusterTune.Kubernetes.Tests;

public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        ["clustertune.io/job"] = "sweep-a",
        ["tier"] = "gpu",
        ["attempt"] = "2",
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("clustertune.io/job=sweep-a", true)]
    [InlineData("clustertune.io/job==sweep-a", true)]
    [InlineData("clustertune.io/job=sweep-b", false)]
    [InlineData("clustertune.io/job!=sweep-b", true)]
    [InlineData("missing!=x", true)]
    [InlineData("tier in (cpu, gpu)", true)]
    [InlineData("tier in (cpu)", false)]
    [InlineData("tier notin (cpu)", true)]
    [InlineData("missing notin (cpu)", true)]
    [InlineData("missing in (cpu)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("clustertune.io/job=sweep-a,tier in (gpu),attempt!=1", true)]
    [InlineData("clustertune.io/job=sweep-a,tier in (cpu,tpu)", false)]
    public void Parses_and_matches_like_the_api_server(string selector, bool matches)
    {
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(Labels));
    }

    [Theory]
    [InlineData("a=1,,b=2")]
    [InlineData("tier in (gpu")]
    [InlineData("tier in ()")]
    [InlineData("bad key=1")]
    public void Rejects_malformed_selectors_with_the_selector_in_the_message(string selector)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Contains(selector, e.Message);
    }

    [Fact]
    public void Round_trips_through_ToString()
    {
        var text = "a=1,b!=2,c in (x,y),d notin (z),e,!f";
        Assert.Equal(text, LabelSelector.Parse(text).ToString());
    }

    [Fact]
    public void Builds_a_sorted_equality_selector_from_labels()
    {
        var s = LabelSelector.FromLabels(new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" });
        Assert.Equal("a=2,z=1", s.ToString());
        Assert.True(s.Matches(new Dictionary<string, string> { ["a"] = "2", ["z"] = "1", ["other"] = "x" }));
    }

    [Fact]
    public void Builds_field_selectors_and_rejects_unsafe_values()
    {
        Assert.Equal("spec.nodeName=node-1,status.phase!=Succeeded",
            FieldSelector.Build(("spec.nodeName", "node-1", false), ("status.phase", "Succeeded", true)));
        Assert.Throws<ArgumentException>(() => FieldSelector.Equal("metadata.name", "a,b"));
    }
}
