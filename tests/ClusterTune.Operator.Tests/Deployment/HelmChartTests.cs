using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterTune.ControlPlane.Json;
using ClusterTune.Testing;

namespace ClusterTune.Operator.Tests.Deployment;

/// <summary>
/// charts/clustertune without helm (not packaged in Debian 12, so templates are not rendered here): values.yaml
/// validates against values.schema.json, the schema rejects bad values, templates only read values that exist, the
/// chart's CRDs are the generated ones, and the dashboards and ServiceMonitor are wired as documented.
/// </summary>
public sealed partial class HelmChartTests
{
    private static readonly string Chart = Path.Combine(RepoPaths.Root, "charts", "clustertune");

    private static JsonObject Schema => JsonNode.Parse(File.ReadAllText(Path.Combine(Chart, "values.schema.json")))!.AsObject();

    private static JsonObject Values => YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(Chart, "values.yaml"))).OfType<JsonObject>().Single();

    [Fact]
    public void Values_yaml_validates_against_the_schema()
    {
        var errors = JsonSchemaSubset.Validate(Schema, Values);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("replicaCount", "\"two\"", "$.replicaCount: expected integer")]
    [InlineData("replicaCount", "0", "$.replicaCount: 0 < minimum 1")]
    [InlineData("replicas", "2", "$: unknown property 'replicas'")]
    [InlineData("image.pullPolicy", "\"Sometimes\"", "$.image.pullPolicy: \"Sometimes\" is not one of")]
    [InlineData("checkpoints.root", "\"checkpoints\"", "$.checkpoints.root: 'checkpoints' does not match")]
    [InlineData("service.port", "70000", "$.service.port: 70000 > maximum 65535")]
    [InlineData("serviceMonitor.interval", "\"15\"", "$.serviceMonitor.interval: '15' does not match")]
    [InlineData("checkpoints.accessModes", "[]", "$.checkpoints.accessModes: 0 items, at least 1 required")]
    public void The_schema_rejects_bad_values(string path, string json, string expected)
    {
        var values = Values;
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate(values, (o, p) => o[p]!.AsObject());
        parent[parts[^1]] = JsonNode.Parse(json);
        var errors = JsonSchemaSubset.Validate(Schema, values);
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_value_a_template_reads_is_in_values_yaml()
    {
        var values = Values;
        var missing = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Chart, "templates")))
        {
            foreach (Match m in ValuesReference().Matches(File.ReadAllText(file)))
            {
                JsonNode? node = values;
                foreach (var part in m.Groups["path"].Value.Split('.'))
                {
                    node = node is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
                    if (node is null)
                    {
                        break;
                    }
                }
                if (node is null)
                {
                    missing.Add($"{Path.GetFileName(file)}: .Values.{m.Groups["path"].Value}");
                }
            }
        }
        Assert.True(missing.Count == 0, "templates read values that values.yaml does not define:\n" + string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public void Chart_crds_are_the_generated_ones_in_the_kustomize_base()
    {
        var chartCrds = Directory.GetFiles(Path.Combine(Chart, "crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var bases = Path.Combine(RepoPaths.Root, "operators", "config", "crd", "bases");
        Assert.Equal(Directory.GetFiles(bases, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal), chartCrds);
        foreach (var f in chartCrds)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(bases, f!)), File.ReadAllText(Path.Combine(Chart, "crds", f!)));
        }
        // And both equal the generator's output: tests/ClusterTune.Api.Tests/CrdGoldenTests.cs.
        Assert.All(chartCrds, f => Assert.Equal(ClusterTune.Api.Schema.CrdGenerator.GenerateAllYaml().Single(kv => kv.Key == f).Value,
            File.ReadAllText(Path.Combine(Chart, "crds", f!))));
    }

    [Fact]
    public void Dashboards_ship_as_configmaps_for_the_grafana_sidecar_and_the_servicemonitor_honors_labels()
    {
        Assert.Equal(["operator-health.json", "sweep-overview.json", "trials.json"],
            Directory.GetFiles(Path.Combine(Chart, "dashboards"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var template = File.ReadAllText(Path.Combine(Chart, "templates", "dashboards.yaml"));
        Assert.Contains(".Files.Glob \"dashboards/*.json\"", template, StringComparison.Ordinal);
        Assert.Contains(".Files.Get $path", template, StringComparison.Ordinal);
        Assert.Contains("kind: ConfigMap", template, StringComparison.Ordinal);
        Assert.Equal("1", (string?)Values["dashboards"]!["labels"]!["grafana_dashboard"]);

        var monitor = File.ReadAllText(Path.Combine(Chart, "templates", "servicemonitor.yaml"));
        Assert.StartsWith("{{- if .Values.serviceMonitor.enabled }}", monitor, StringComparison.Ordinal);
        Assert.Contains("honorLabels: true", monitor, StringComparison.Ordinal);
        Assert.False((bool)Values["serviceMonitor"]!["enabled"]!);

        var chart = YamlJson.ParseDocuments(File.ReadAllText(Path.Combine(Chart, "Chart.yaml"))).OfType<JsonObject>().Single();
        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("clustertune", (string?)chart["name"]);
        Assert.Matches(@"^\d+\.\d+\.\d+$", (string?)chart["version"]);
    }

    [Fact]
    public void Templates_carry_the_same_hardening_and_rbac_as_the_kustomize_base()
    {
        var deployment = File.ReadAllText(Path.Combine(Chart, "templates", "deployment.yaml"));
        foreach (var needle in (string[])["runAsNonRoot: true", "readOnlyRootFilesystem: true", "drop: [ALL]", "type: RuntimeDefault",
                     "allowPrivilegeEscalation: false", "path: /healthz", "path: /readyz", "fieldPath: metadata.name", "fieldPath: metadata.namespace",
                     "- --silo-port", "fieldPath: status.podIP", "name: CT_REDIS", "- --checkpoint-claim", "persistentVolumeClaim:"])
        {
            Assert.Contains(needle, deployment, StringComparison.Ordinal);
        }
        // The ClusterRole rules are the kustomize base's, line for line.
        static IEnumerable<string> RuleLines(string text) => text.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("- apiGroups:", StringComparison.Ordinal) || l.StartsWith("resources:", StringComparison.Ordinal) || l.StartsWith("verbs:", StringComparison.Ordinal));
        var baseRules = RuleLines(File.ReadAllText(Path.Combine(RepoPaths.Root, "operators", "config", "rbac", "role.yaml")));
        Assert.Equal(baseRules, RuleLines(File.ReadAllText(Path.Combine(Chart, "templates", "rbac.yaml"))));
    }

    [Fact]
    public void Security_values_reach_the_operator_and_the_network_policy_is_gated()
    {
        var deployment = File.ReadAllText(Path.Combine(Chart, "templates", "deployment.yaml"));
        foreach (var needle in (string[])["- --trial-run-as-user", "- --allow-service-account", "- --allow-secret", "- --metrics-token-file"])
        {
            Assert.Contains(needle, deployment, StringComparison.Ordinal);
        }
        // Each flag the chart passes is one the operator knows.
        foreach (var flag in new[] { "--trial-run-as-user", "--allow-service-account", "--allow-secret", "--metrics-token-file" })
        {
            Assert.Null(OperatorFlags.Parse([flag, flag == "--trial-run-as-user" ? "65532" : "x"]).Error);
        }

        var monitor = File.ReadAllText(Path.Combine(Chart, "templates", "servicemonitor.yaml"));
        Assert.Contains("bearerTokenSecret:", monitor, StringComparison.Ordinal);

        var policy = File.ReadAllText(Path.Combine(Chart, "templates", "networkpolicy.yaml"));
        Assert.StartsWith("{{- if .Values.networkPolicy.enabled }}", policy, StringComparison.Ordinal);
        Assert.False((bool)Values["networkPolicy"]!["enabled"]!);
        Assert.Contains("app.kubernetes.io/managed-by: clustertune", policy, StringComparison.Ordinal);
        Assert.Contains("policyTypes: [Egress]", policy, StringComparison.Ordinal);

        var rbac = File.ReadAllText(Path.Combine(Chart, "templates", "rbac.yaml"));
        Assert.Contains("kind: {{ if $namespaced }}Role{{ else }}ClusterRole{{ end }}", rbac, StringComparison.Ordinal);
        Assert.Contains("fail \"rbac.namespaced needs watchNamespace", rbac, StringComparison.Ordinal);
        Assert.Equal((false, 65532L), ((bool)Values["rbac"]!["namespaced"]!, (long)Values["trialPods"]!["runAsUser"]!));
    }

    [GeneratedRegex(@"\.Values\.(?<path>[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValuesReference();
}
