using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using ClusterTune.Testing;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Deployment;

/// <summary>
/// operators/config/default rendered by the real `kubectl kustomize`: the kinds and fields the operator needs, and an
/// apply to the embedded API server of every kind it serves.
/// </summary>
public sealed class KustomizeBaseTests(EmbeddedApiServerFixture fixture) : IClassFixture<EmbeddedApiServerFixture>
{
    private const string Ns = "clustertune-system";

    // What the embedded API server serves (docs/control-plane.md). It has no rbac.authorization.k8s.io, apps, policy
    // or PersistentVolumeClaims: those documents are checked as parsed objects only.
    private static readonly HashSet<string> ServedKinds = ["Namespace", "CustomResourceDefinition", "ServiceAccount", "Service",
        "PersistentVolumeClaim", "Deployment", "PodDisruptionBudget", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Secret"];

    // The rendered YAML documents, each with its text as kubectl kustomize printed it.
    private static readonly Lazy<List<(string Yaml, JsonObject Object)>> Documents = new(() =>
    {
        var (code, stdout, stderr) = Kubectl.Run(["kustomize", "operators/config/default"]);
        Assert.True(code == 0, $"kubectl kustomize operators/config/default failed ({code}): {stderr}");
        return [.. stdout.Split("\n---\n").Select(y => (y, Assert.Single(YamlJson.ParseDocuments(y).OfType<JsonObject>())))];
    });

    private static List<JsonObject> Rendered => [.. Documents.Value.Select(d => d.Object)];

    [KubectlFact]
    public void Renders_the_expected_objects_all_in_the_operator_namespace()
    {
        var kinds = Rendered.Select(o => $"{o["kind"]}/{o["metadata"]!["name"]}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            "ClusterRole/clustertune-operator",
            "ClusterRoleBinding/clustertune-operator",
            "CustomResourceDefinition/finetunejobs.clustertune.io",
            "CustomResourceDefinition/trials.clustertune.io",
            "Deployment/clustertune-operator",
            "Deployment/clustertune-redis",
            "Namespace/clustertune-system",
            "PersistentVolumeClaim/clustertune-checkpoints",
            "Secret/clustertune-redis",
            "Service/clustertune-operator",
            "Service/clustertune-redis",
            "ServiceAccount/clustertune-operator",
        ], kinds);
        var clusterScoped = new HashSet<string> { "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding" };
        foreach (var o in Rendered.Where(o => !clusterScoped.Contains((string)o["kind"]!)))
        {
            Assert.Equal(Ns, (string?)o["metadata"]!["namespace"]);
            Assert.Equal("clustertune", (string?)o["metadata"]!["labels"]!["app.kubernetes.io/part-of"]);
        }
    }

    [KubectlFact]
    public void Rbac_is_least_privilege_and_needs_no_lease()
    {
        var rules = Rules(Get("ClusterRole", "clustertune-operator"));
        Assert.Equal(new Dictionary<string, string>
        {
            // Exactly the calls the code makes: informers list/watch, merge/JSON patches (never PUT), creates, deletes.
            ["clustertune.io/finetunejobs"] = "list,patch,watch",
            ["clustertune.io/trials"] = "create,get,list,patch,watch",
            ["clustertune.io/finetunejobs/status"] = "patch",
            ["clustertune.io/trials/status"] = "patch",
            ["clustertune.io/finetunejobs/finalizers"] = "update",
            ["clustertune.io/trials/finalizers"] = "update",
            ["/pods"] = "create,delete,get,list,watch",
            // Token Secrets are written, never read back (validation compares a hash on the pod); get is for spec.notify's
            // signing key, which --allow-secret must allow. Never list or watch.
            ["/secrets"] = "create,get,patch",
            ["/events"] = "create",
        }, rules);
        Assert.DoesNotContain(rules.Keys, k => k.Contains('*', StringComparison.Ordinal) || k.Contains("pods/log", StringComparison.Ordinal) || k.Contains("leases", StringComparison.Ordinal));

        // No leader, so no Lease: the silos agree on membership through Redis.
        Assert.DoesNotContain(Rendered, o => (string?)o["kind"] is "Role" or "RoleBinding");

        foreach (var (kind, roleKind, roleName) in new[] { ("ClusterRoleBinding", "ClusterRole", "clustertune-operator") })
        {
            var binding = Rendered.Single(o => (string?)o["kind"] == kind);
            Assert.Equal(roleKind, (string?)binding["roleRef"]!["kind"]);
            Assert.Equal(roleName, (string?)binding["roleRef"]!["name"]);
            var subject = Assert.Single(binding["subjects"]!.AsArray())!;
            Assert.Equal("ServiceAccount", (string?)subject["kind"]);
            Assert.Equal("clustertune-operator", (string?)subject["name"]);
            Assert.Equal(Ns, (string?)subject["namespace"]);
        }
    }

    [KubectlFact]
    public void Deployment_runs_two_hardened_silos_with_redis_membership_probes_and_the_checkpoint_claim()
    {
        var d = Get("Deployment", "clustertune-operator");
        Assert.Equal(2L, (long)d["spec"]!["replicas"]!);
        var pod = d["spec"]!["template"]!["spec"]!;
        Assert.Equal("clustertune-operator", (string?)pod["serviceAccountName"]);
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        var c = Assert.Single(pod["containers"]!.AsArray())!;
        var sc = c["securityContext"]!;
        Assert.True((bool)sc["readOnlyRootFilesystem"]!);
        Assert.False((bool)sc["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], sc["capabilities"]!["drop"]!.AsArray().Select(x => (string)x!));

        // Flags are "--flag value" pairs (OperatorFlags); parse them the way the operator does.
        var args = c["args"]!.AsArray().Select(a => (string)a!).ToList();
        var flags = OperatorFlags.Parse(args);
        Assert.Null(flags.Error);
        Assert.Equal("http://0.0.0.0:8080", flags.Listen);
        Assert.Equal(11111, flags.Options.SiloPort);
        Assert.Equal("/checkpoints", flags.Options.CheckpointRoot);
        Assert.Equal("clustertune-checkpoints", flags.Options.CheckpointClaim);

        var env = c["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal("metadata.name", env["POD_NAME"]);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"]);
        Assert.Equal("status.podIP", env["POD_IP"]);   // what the other silos dial
        var redis = c["env"]!.AsArray().Single(e => (string?)e!["name"] == "CT_REDIS")!["valueFrom"]!["secretKeyRef"]!;
        Assert.Equal("clustertune-redis", (string?)redis["name"]);
        Assert.Equal("connection", (string?)redis["key"]);
        Assert.Equal(11111L, (long)c["ports"]!.AsArray().Single(p => (string?)p!["name"] == "silo")!["containerPort"]!);

        Assert.Equal("/healthz", (string?)c["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)c["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("http", (string?)c["livenessProbe"]!["httpGet"]!["port"]);
        Assert.Equal(8080L, (long)c["ports"]!.AsArray().Single(p => (string?)p!["name"] == "http")!["containerPort"]!);
        Assert.NotNull(c["resources"]!["requests"]!["cpu"]);
        Assert.NotNull(c["resources"]!["requests"]!["memory"]);
        Assert.NotNull(c["resources"]!["limits"]!["memory"]);

        var mounts = c["volumeMounts"]!.AsArray().ToDictionary(m => (string)m!["name"]!, m => (string)m!["mountPath"]!);
        Assert.Equal("/checkpoints", mounts["checkpoints"]);
        Assert.Equal("/tmp", mounts["tmp"]);   // writable scratch on a read-only root
        var volume = pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "checkpoints")!;
        Assert.Equal("clustertune-checkpoints", (string?)volume["persistentVolumeClaim"]!["claimName"]);
        Assert.Equal(["ReadWriteMany"], Get("PersistentVolumeClaim", "clustertune-checkpoints")["spec"]!["accessModes"]!.AsArray().Select(x => (string)x!));
    }

    [KubectlFact]
    public void Service_and_disruption_budget_select_the_operator_pods()
    {
        var podLabels = Get("Deployment", "clustertune-operator")["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        bool Selects(JsonNode selector) => selector.AsObject().All(kv => (string?)podLabels[kv.Key] == (string?)kv.Value);

        var svc = Get("Service", "clustertune-operator");
        Assert.True(Selects(svc["spec"]!["selector"]!));
        var port = Assert.Single(svc["spec"]!["ports"]!.AsArray())!;
        Assert.Equal("http", (string?)port["name"]);
        Assert.Equal(8080L, (long)port["port"]!);
        Assert.Equal("http", (string?)port["targetPort"]);

        // policy/v1 PodDisruptionBudget needs Kubernetes 1.21 (unhealthyPodEvictionPolicy 1.26): it lives in the
        // ha overlay so that the default base applies on every supported server (1.20 and later).
        Assert.DoesNotContain(Rendered, o => (string?)o["kind"] == "PodDisruptionBudget");
        var (code, stdout, stderr) = Kubectl.Run(["kustomize", "operators/config/ha"]);
        Assert.True(code == 0, $"kubectl kustomize operators/config/ha failed ({code}): {stderr}");
        var ha = stdout.Split("\n---\n").Select(y => Assert.Single(YamlJson.ParseDocuments(y).OfType<JsonObject>())).ToList();
        Assert.Equal(Rendered.Count + 1, ha.Count);
        var pdb = Assert.Single(ha, o => (string?)o["kind"] == "PodDisruptionBudget");
        Assert.Equal(("policy/v1", Ns), ((string?)pdb["apiVersion"], (string?)pdb["metadata"]!["namespace"]));
        Assert.Equal(1L, (long)pdb["spec"]!["minAvailable"]!);
        Assert.True(Selects(pdb["spec"]!["selector"]!["matchLabels"]!));
        // The default OTLP endpoint the operator derives from POD_NAMESPACE names this Service.
        Assert.Equal($"http://clustertune-operator.{Ns}.svc:8080", OperatorFlags.Parse([]).Options.OtlpEndpoint.Replace(
            Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? Ns, Ns, StringComparison.Ordinal));
    }

    /// <summary>
    /// Applies the whole rendered base (Namespace, CRDs, RBAC, ServiceAccount, Service, PVC, Deployment, PDB) with the
    /// real `kubectl apply` and reads it back; a second apply changes nothing.
    /// </summary>
    [KubectlFact]
    public void The_whole_base_applies_to_the_embedded_api_server()
    {
        var served = Documents.Value.Where(d => ServedKinds.Contains((string)d.Object["kind"]!)).ToList();
        Assert.Equal(Documents.Value.Count, served.Count);
        var yaml = string.Join("\n---\n", served.Select(d => d.Yaml));
        var kubeconfig = fixture.WriteKubeconfig();
        var (code, stdout, stderr) = Kubectl.Run(["--kubeconfig", kubeconfig, "apply", "-f", "-"], yaml);
        Assert.True(code == 0, $"kubectl apply failed ({code}):\n{stdout}\n{stderr}");
        foreach (var (_, o) in served)
        {
            // kubectl prints "<kind>[.<group>]/<name> created".
            var kind = ((string)o["kind"]!).ToLowerInvariant();
            Assert.Contains(stdout.Split('\n'), l => l.StartsWith(kind, StringComparison.Ordinal) && l.Contains($"/{o["metadata"]!["name"]} created", StringComparison.Ordinal));
        }

        // Read back: the Service kept its named port and selector, and the CRDs serve their kinds.
        var (getCode, getOut, getErr) = Kubectl.Run(["--kubeconfig", kubeconfig, "-n", Ns, "get", "service/clustertune-operator", "serviceaccount/clustertune-operator", "-o", "json"]);
        Assert.True(getCode == 0, getErr);
        var items = JsonNode.Parse(getOut)!["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal("http", (string?)items.Single(i => (string?)i!["kind"] == "Service")!["spec"]!["ports"]![0]!["name"]);
        var (crdCode, _, crdErr) = Kubectl.Run(["--kubeconfig", kubeconfig, "get", "finetunejobs,trials", "-A"]);
        Assert.True(crdCode == 0, crdErr);

        // A second apply is a no-op (what an upgrade with unchanged manifests does).
        var again = Kubectl.Run(["--kubeconfig", kubeconfig, "apply", "-f", "-"], yaml);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.DoesNotContain("created", again.Stdout, StringComparison.Ordinal);

        foreach (var o in Rendered.Where(o => !ServedKinds.Contains((string)o["kind"]!)))
        {
            Assert.False(string.IsNullOrEmpty((string?)o["apiVersion"]), $"{o["kind"]} has no apiVersion");
            Assert.False(string.IsNullOrEmpty((string?)o["metadata"]?["name"]), $"{o["kind"]} has no name");
        }
    }

    private static JsonObject Get(string kind, string name) =>
        Rendered.Single(o => (string?)o["kind"] == kind && (string?)o["metadata"]!["name"] == name);

    // "group/resource" → sorted verbs, merged over rules.
    internal static Dictionary<string, string> Rules(JsonObject role)
    {
        var map = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var rule in role["rules"]!.AsArray())
        {
            foreach (var g in rule!["apiGroups"]!.AsArray())
            {
                foreach (var r in rule["resources"]!.AsArray())
                {
                    var key = $"{g}/{r}";
                    if (!map.TryGetValue(key, out var verbs))
                    {
                        map[key] = verbs = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    foreach (var v in rule["verbs"]!.AsArray())
                    {
                        verbs.Add((string)v!);
                    }
                }
            }
        }
        return map.ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value));
    }
}
