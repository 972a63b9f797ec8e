using ClusterTune.Telemetry.Prometheus;
using ClusterTune.Telemetry.Tests.Support;

namespace ClusterTune.Telemetry.Tests.Prometheus;

public sealed class PrometheusRegistryTests
{
    [Fact]
    public void Renders_help_type_and_samples_that_parse_back()
    {
        var r = new MetricRegistry();
        var c = r.CreateCounter("x_requests_total", "Requests.", "code");
        var g = r.CreateGauge("x_depth", "Depth.");
        c.WithLabels("200").Inc(3);
        c.WithLabels("500").Inc();
        g.WithLabels().Set(-2.5);

        var text = PrometheusTextRenderer.Render(r);

        Assert.Equal(
            "# HELP x_requests_total Requests.\n# TYPE x_requests_total counter\n" +
            "x_requests_total{code=\"200\"} 3\nx_requests_total{code=\"500\"} 1\n" +
            "# HELP x_depth Depth.\n# TYPE x_depth gauge\nx_depth -2.5\n", text);
        var parsed = ExpositionParser.Parse(text);
        Assert.Equal("counter", parsed.Types["x_requests_total"]);
        Assert.Equal(3, parsed.Named("x_requests_total").Single(s => s.Labels["code"] == "200").Value);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("quote\"d", "quote\\\"d")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("new\nline", "new\\nline")]
    [InlineData("all \\\"\n", "all \\\\\\\"\\n")]
    [InlineData("ünïcødé {}=,", "ünïcødé {}=,")]
    public void Label_values_are_escaped_and_round_trip(string value, string escaped)
    {
        Assert.Equal(escaped, PrometheusTextRenderer.EscapeLabelValue(value));
        var r = new MetricRegistry();
        r.CreateGauge("g", "h", "v").WithLabels(value).Set(1);
        var sample = ExpositionParser.Parse(PrometheusTextRenderer.Render(r)).Named("g").Single();
        Assert.Equal(value, sample.Labels["v"]);
    }

    [Fact]
    public void Help_escapes_backslash_and_newline_but_not_quotes()
    {
        var r = new MetricRegistry();
        r.CreateGauge("g", "a \"quoted\" \\ path\nsecond line");
        var text = PrometheusTextRenderer.Render(r);
        Assert.StartsWith("# HELP g a \"quoted\" \\\\ path\\nsecond line\n", text);
        Assert.Equal("a \"quoted\" \\ path\nsecond line", ExpositionParser.Parse(text).Help["g"]);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(3e-4, "0.0003")]
    [InlineData(1e21, "1E+21")]
    [InlineData(-0.0, "-0")]
    public void Values_format_per_the_text_format(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextRenderer.FormatValue(value));

    [Fact]
    public void Histogram_renders_cumulative_buckets_sum_and_count()
    {
        var r = new MetricRegistry();
        var h = r.CreateHistogram("d_seconds", "Durations.", [0.1, 1], "c");
        var child = h.WithLabels("a");
        foreach (var v in new[] { 0.05, 0.1, 0.5, 2, double.NaN })
        {
            child.Observe(v);
        }
        var samples = ExpositionParser.Parse(PrometheusTextRenderer.Render(r)).Samples;
        Assert.Equal(
            [("d_seconds_bucket", "0.1", 2.0), ("d_seconds_bucket", "1", 3.0), ("d_seconds_bucket", "+Inf", 4.0)],
            samples.Where(s => s.Name == "d_seconds_bucket").Select(s => (s.Name, s.Labels["le"], s.Value)));
        Assert.Equal(2.65, samples.Single(s => s.Name == "d_seconds_sum").Value, 10);
        Assert.Equal(4, samples.Single(s => s.Name == "d_seconds_count").Value);
        Assert.All(samples, s => Assert.Equal("a", s.Labels["c"]));
    }

    [Fact]
    public void Info_family_keeps_exactly_one_series_per_key()
    {
        var r = new MetricRegistry();
        var info = r.CreateInfo("t_info", "Info.", "job", "trial");
        info.Set(["j", "t1"], [new("lr", "0.1")]);
        info.Set(["j", "t2"], [new("lr", "0.2")]);
        info.Set(["j", "t1"], [new("lr", "0.3"), new("rank", "4")]);
        var samples = ExpositionParser.Parse(PrometheusTextRenderer.Render(r)).Named("t_info").ToList();
        Assert.Equal(2, samples.Count);
        var t1 = samples.Single(s => s.Labels["trial"] == "t1");
        Assert.Equal(("0.3", "4", 1.0), (t1.Labels["lr"], t1.Labels["rank"], t1.Value));
        Assert.True(info.Remove("j", "t2"));
        Assert.Equal(1, info.SeriesCount);
        Assert.Throws<ArgumentException>(() => info.Set(["j", "t1"], [new("trial", "x")]));
    }

    public static TheoryData<string, Action<MetricRegistry>, string> Misuse => new()
    {
        { "bad metric name", r => r.CreateGauge("1bad", "h"), "not a valid Prometheus metric name" },
        { "bad label name", r => r.CreateGauge("g", "h", "a-b"), "not a valid Prometheus label name" },
        { "reserved label prefix", r => r.CreateGauge("g", "h", "__x"), "not starting with __" },
        { "duplicate label", r => r.CreateGauge("g", "h", "a", "a"), "duplicate label names" },
        { "duplicate family", r => { r.CreateGauge("g", "h"); r.CreateCounter("g", "h"); }, "already registered" },
        { "le on histogram", r => r.CreateHistogram("h", "h", [1], "le"), "reserved for buckets" },
        { "unsorted buckets", r => r.CreateHistogram("h", "h", [1, 1]), "strictly increasing" },
        { "label count", r => r.CreateGauge("g", "h", "a", "b").WithLabels("x"), "takes 2 label values (a, b), got 1" },
        { "negative counter", r => r.CreateCounter("c_total", "h").WithLabels().Inc(-1), "only increases" },
    };

    [Theory]
    [MemberData(nameof(Misuse))]
    public void Misuse_is_refused_with_a_clear_message(string name, Action<MetricRegistry> act, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => act(new MetricRegistry()));
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{name}: {e.Message}");
    }

    [Fact]
    public void Concurrent_updates_are_not_lost()
    {
        var r = new MetricRegistry();
        var c = r.CreateCounter("c_total", "h", "w");
        var g = r.CreateGauge("g", "h");
        var h = r.CreateHistogram("h", "h", [1]);
        Parallel.For(0, 8, w =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                c.WithLabels((w % 2).ToString()).Inc();
                g.WithLabels().Inc(0.5);
                h.WithLabels().Observe(2);
            }
        });
        Assert.Equal(80_000, c.WithLabels("0").Value + c.WithLabels("1").Value);
        Assert.Equal(40_000, g.WithLabels().Value);
        Assert.Equal(80_000, h.WithLabels().Count);
    }

    [Fact]
    public void Collect_callbacks_refresh_before_rendering_and_remove_where_prunes()
    {
        var r = new MetricRegistry();
        var g = r.CreateGauge("phase", "h", "job", "phase");
        int calls = 0;
        r.AddCollectCallback(() => g.WithLabels("j", "Running").Set(++calls));
        g.WithLabels("j", "Pending").Set(1);
        g.WithLabels("k", "Pending").Set(1);
        Assert.Contains("phase{job=\"j\",phase=\"Running\"} 1\n", PrometheusTextRenderer.Render(r));
        Assert.Contains("phase{job=\"j\",phase=\"Running\"} 2\n", PrometheusTextRenderer.Render(r));
        Assert.Equal(2, g.RemoveWhere(v => v[0] == "j"));
        Assert.Equal(1, g.SeriesCount);
    }
}
