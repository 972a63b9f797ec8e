using System.Text.Json.Nodes;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Prometheus;

namespace ClusterTune.Cli.Tests.Observability;

/// <summary>Static checks of the shipped dashboards: catalog names only, Grafana 10 schema, the ${datasource} variable.</summary>
public sealed class DashboardCatalogTests
{
    private static readonly string[] Expected = ["operator-health.json", "sweep-overview.json", "trials.json"];

    [Fact]
    public void The_three_dashboards_are_shipped()
    {
        Assert.Equal(Expected, Dashboards.Load().Select(d => d.File));
    }

    [Fact]
    public void Every_metric_name_used_is_in_the_catalog()
    {
        // Histograms expose _bucket, _sum and _count series under the catalog name.
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in MetricCatalog.All)
        {
            names.Add(d.PrometheusName);
            if (d.Type == MetricType.Histogram)
            {
                foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
                {
                    names.Add(d.PrometheusName + suffix);
                }
            }
        }
        // Orleans' own series (its meter, bridged by the operator) are named by Orleans: the charted ones are listed.
        names.UnionWith(ClusterTune.Operator.Hosting.MeterBridge.Charted);
        var unknown = Dashboards.Load()
            .SelectMany(d => Dashboards.Expressions(d.File, d.Json))
            .SelectMany(e => Dashboards.MetricNames(e.Expr).Where(n => !names.Contains(n)).Select(n => $"{e}: {n}"))
            .ToList();
        Assert.True(unknown.Count == 0, "metric names not in MetricCatalog:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void Every_catalog_family_but_the_dropped_points_counter_is_charted()
    {
        var used = Dashboards.Load().SelectMany(d => Dashboards.Expressions(d.File, d.Json)).SelectMany(e => Dashboards.MetricNames(e.Expr))
            .Select(n => n.EndsWith("_bucket", StringComparison.Ordinal) ? n[..^7] : n).ToHashSet(StringComparer.Ordinal);
        var missing = MetricCatalog.All.Select(d => d.PrometheusName)
            .Where(n => !used.Contains(n) && n != MetricCatalog.OtlpPointsDropped.PrometheusName).ToList();
        Assert.True(missing.Count == 0, "catalog metrics no dashboard shows: " + string.Join(", ", missing));
    }

    [Fact]
    public void Dashboards_use_the_grafana_10_schema_and_the_datasource_variable()
    {
        foreach (var (file, json) in Dashboards.Load())
        {
            Assert.True(json["schemaVersion"]!.GetValue<int>() >= 38, $"{file}: schemaVersion < 38 (Grafana 10)");
            Assert.False(string.IsNullOrEmpty(json["uid"]?.GetValue<string>()), $"{file}: no uid");
            var vars = json["templating"]!["list"]!.AsArray().OfType<JsonObject>().ToList();
            var ds = Assert.Single(vars, v => v["name"]!.GetValue<string>() == "datasource");
            Assert.Equal("datasource", ds["type"]!.GetValue<string>());
            Assert.Equal("prometheus", ds["query"]!.GetValue<string>());
            var ids = new HashSet<int>();
            foreach (var panel in Dashboards.Panels(json))
            {
                var title = panel["title"]!.GetValue<string>();
                Assert.True(ids.Add(panel["id"]!.GetValue<int>()), $"{file}: duplicate panel id in '{title}'");
                Assert.NotNull(panel["gridPos"]);
                if (panel["type"]!.GetValue<string>() == "row")
                {
                    continue;
                }

                Assert.Equal("${datasource}", panel["datasource"]!["uid"]!.GetValue<string>());
                var targets = panel["targets"]!.AsArray().OfType<JsonObject>().ToList();
                Assert.True(targets.Count > 0, $"{file}: panel '{title}' has no query");
                Assert.All(targets, t => Assert.Equal("${datasource}", t["datasource"]!["uid"]!.GetValue<string>()));
            }
            foreach (var v in vars.Where(v => v["type"]!.GetValue<string>() == "query"))
            {
                Assert.Equal("${datasource}", v["datasource"]!["uid"]!.GetValue<string>());
            }
        }
    }
}
