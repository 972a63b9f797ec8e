using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterTune.Testing;

namespace ClusterTune.Cli.Tests.Observability;

/// <summary>
/// Reads the Grafana dashboards shipped in charts/clustertune/dashboards and lists every PromQL expression in them:
/// panel targets (rows included) and the expressions inside label_values() template variables.
/// </summary>
internal static partial class Dashboards
{
    /// <summary>The repository root (the directory holding ClusterTune.sln).</summary>
    public static string RepoRoot => RepoPaths.Root;

    /// <summary>charts/clustertune/dashboards.</summary>
    public static string Directory => Path.Combine(RepoRoot, "charts", "clustertune", "dashboards");

    /// <summary>Every dashboard file, by file name.</summary>
    public static IReadOnlyList<(string File, JsonObject Json)> Load() =>
        [.. System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!.AsObject()))];

    /// <summary>Every expression of one dashboard: where it is (panel title / refId, or variable name) and the PromQL.</summary>
    public static IEnumerable<DashboardExpression> Expressions(string file, JsonObject dashboard)
    {
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                if (target?["expr"]?.GetValue<string>() is { } expr)
                {
                    yield return new DashboardExpression(file, $"panel '{panel["title"]}' {target["refId"]}", expr, target["instant"]?.GetValue<bool>() ?? false);
                }
            }
        }
        foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
        {
            if (variable?["type"]?.GetValue<string>() != "query")
            {
                continue;
            }

            var query = variable["query"] is JsonObject o ? o["query"]?.GetValue<string>() : variable["query"]?.GetValue<string>();
            if (query is null)
            {
                continue;
            }

            var m = LabelValues().Match(query);
            yield return new DashboardExpression(file, $"variable ${variable["name"]}", m.Success ? m.Groups["expr"].Value : query, true);
        }
    }

    /// <summary>Panels at any depth (rows may nest panels when collapsed).</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard)
    {
        var stack = new Stack<JsonObject>((dashboard["panels"]?.AsArray() ?? []).OfType<JsonObject>().Reverse());
        while (stack.TryPop(out var p))
        {
            yield return p;
            foreach (var child in (p["panels"]?.AsArray() ?? []).OfType<JsonObject>().Reverse())
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>Replaces Grafana's template variables with concrete values (longest names first, ${x} and $x forms).</summary>
    public static string Substitute(string expr, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (name, value) in values.OrderByDescending(kv => kv.Key.Length))
        {
            expr = expr.Replace("${" + name + "}", value, StringComparison.Ordinal).Replace("$" + name, value, StringComparison.Ordinal);
        }
        return expr;
    }

    /// <summary>The metric names (clustertune_*) an expression uses.</summary>
    public static IEnumerable<string> MetricNames(string expr) => MetricName().Matches(expr).Select(m => m.Value).Distinct(StringComparer.Ordinal);


    [GeneratedRegex(@"^\s*label_values\(\s*(?<expr>.+?)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$")]
    private static partial Regex LabelValues();

    [GeneratedRegex(@"\bclustertune_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
