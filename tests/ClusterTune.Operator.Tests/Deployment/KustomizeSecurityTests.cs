using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using ClusterTune.Testing;

namespace ClusterTune.Operator.Tests.Deployment;

/// <summary>
/// operators/config/namespaced (the operator confined to one namespace, with NetworkPolicies) rendered by the real
/// `kubectl kustomize`, compared with the default base.
/// </summary>
public sealed class KustomizeSecurityTests
{
    private const string Ns = "clustertune-system";
    private const string Watched = "clustertune-trials";

    private static List<JsonObject> Render(string dir)
    {
        var (code, stdout, stderr) = Kubectl.Run(["kustomize", dir]);
        Assert.True(code == 0, $"kubectl kustomize {dir} failed ({code}): {stderr}");
        return [.. stdout.Split("\n---\n").Select(y => Assert.Single(YamlJson.ParseDocuments(y).OfType<JsonObject>()))];
    }

    private static readonly Lazy<List<JsonObject>> Namespaced = new(() => Render("operators/config/namespaced"));
    private static readonly Lazy<List<JsonObject>> Default = new(() => Render("operators/config/default"));

    private static JsonObject Get(List<JsonObject> objects, string kind, string name) =>
        objects.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    [KubectlFact]
    public void The_namespaced_overlay_grants_the_same_rules_in_the_watched_namespace_only()
    {
        var objects = Namespaced.Value;
        Assert.DoesNotContain(objects, o => (string?)o["kind"] is "ClusterRole" or "ClusterRoleBinding");
        var role = Get(objects, "Role", "clustertune-operator");
        Assert.Equal(Watched, (string?)role["metadata"]!["namespace"]);
        Assert.Equal(KustomizeBaseTests.Rules(Get(Default.Value, "ClusterRole", "clustertune-operator")), KustomizeBaseTests.Rules(role));

        var binding = Get(objects, "RoleBinding", "clustertune-operator");
        Assert.Equal(Watched, (string?)binding["metadata"]!["namespace"]);
        Assert.Equal(("Role", "clustertune-operator"), ((string?)binding["roleRef"]!["kind"], (string?)binding["roleRef"]!["name"]));
        var subject = Assert.Single(binding["subjects"]!.AsArray())!;
        Assert.Equal(("clustertune-operator", Ns), ((string?)subject["name"], (string?)subject["namespace"]));

        // The operator watches the namespace its Role is in (the three WATCHED lines agree).
        var args = Get(objects, "Deployment", "clustertune-operator")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        var flags = OperatorFlags.Parse(args);
        Assert.Null(flags.Error);
        Assert.Equal(Watched, flags.Options.WatchNamespace);
        Assert.Equal(Watched, (string?)Get(objects, "NetworkPolicy", "clustertune-trials")["metadata"]!["namespace"]);
    }

    [KubectlFact]
    public void Network_policies_admit_only_trial_pods_and_prometheus_and_trial_pods_reach_only_the_operator_and_dns()
    {
        var objects = Namespaced.Value;
        var deployment = Get(objects, "Deployment", "clustertune-operator");
        var operatorLabels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var httpPort = (long)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "http")!["containerPort"]!;

        var ingress = Get(objects, "NetworkPolicy", "clustertune-operator");
        Assert.Equal(Ns, (string?)ingress["metadata"]!["namespace"]);
        Assert.All(ingress["spec"]!["podSelector"]!["matchLabels"]!.AsObject(), kv => Assert.Equal((string?)kv.Value, (string?)operatorLabels[kv.Key]));
        Assert.Equal(["Ingress"], ingress["spec"]!["policyTypes"]!.AsArray().Select(x => (string)x!));
        var ingressRules = ingress["spec"]!["ingress"]!.AsArray();
        Assert.Equal(2, ingressRules.Count);
        var rule = ingressRules[0]!;
        Assert.Equal("http", (string?)Assert.Single(rule["ports"]!.AsArray())!["port"]);
        // The second rule: only the operator's own pods reach the silo port (Orleans silo-to-silo traffic).
        var silo = ingressRules[1]!;
        Assert.Equal("silo", (string?)Assert.Single(silo["ports"]!.AsArray())!["port"]);
        Assert.All(Assert.Single(silo["from"]!.AsArray())!["podSelector"]!["matchLabels"]!.AsObject(), kv => Assert.Equal((string?)kv.Value, (string?)operatorLabels[kv.Key]));
        var from = rule["from"]!.AsArray();
        Assert.Equal(2, from.Count);
        // Trial pods carry the label PodTemplate sets; nothing else is admitted.
        Assert.Equal(Api.Contract.LabelKeys.ManagedByValue, (string?)from[0]!["podSelector"]!["matchLabels"]![Api.Contract.LabelKeys.ManagedBy]);
        Assert.Equal("prometheus", (string?)from[1]!["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"]);

        var egress = Get(objects, "NetworkPolicy", "clustertune-trials");
        Assert.Equal(Api.Contract.LabelKeys.ManagedByValue, (string?)egress["spec"]!["podSelector"]!["matchLabels"]![Api.Contract.LabelKeys.ManagedBy]);
        Assert.Equal(["Egress"], egress["spec"]!["policyTypes"]!.AsArray().Select(x => (string)x!));
        var rules = egress["spec"]!["egress"]!.AsArray();
        Assert.Equal(2, rules.Count);
        var toOperator = rules[0]!;
        Assert.Equal(Ns, (string?)toOperator["to"]![0]!["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]);
        Assert.Equal(httpPort, (long)toOperator["ports"]![0]!["port"]!);
        Assert.Equal(["53/TCP", "53/UDP"], rules[1]!["ports"]!.AsArray().Select(p => $"{p!["port"]}/{p["protocol"]}").Order(StringComparer.Ordinal));
    }

    [KubectlFact]
    public void The_default_base_ships_no_network_policy_it_is_opt_in() =>
        Assert.DoesNotContain(Default.Value, o => (string?)o["kind"] == "NetworkPolicy");
}
