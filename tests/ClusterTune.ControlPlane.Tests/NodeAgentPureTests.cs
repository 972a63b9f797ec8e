using System.Text;
using ClusterTune.Api.Meta;
using ClusterTune.ControlPlane.NodeAgent;
using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>The node agent's pure parts: quantities, scheduling filters, path mapping, $(VAR) expansion, log tails.</summary>
public sealed class NodeAgentPureTests
{
    private static readonly NodeView Node = new(
        new Dictionary<string, string> { ["kubernetes.io/hostname"] = "n", ["disktype"] = "ssd" },
        [],
        false,
        new Dictionary<string, decimal> { ["cpu"] = 2, ["memory"] = 8m * 1024 * 1024 * 1024, ["nvidia.com/gpu"] = 1 },
        110);

    private static V1Pod PodWith(Dictionary<string, ResourceQuantity>? requests = null, Dictionary<string, ResourceQuantity>? limits = null, Action<V1PodSpec>? spec = null)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "d" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Resources = new V1ResourceRequirements { Requests = requests, Limits = limits } }] },
        };
        spec?.Invoke(pod.Spec);
        return pod;
    }

    [Fact]
    public void Requests_fall_back_to_limits_and_sum_over_containers()
    {
        var pod = PodWith(new() { ["cpu"] = "500m" }, new() { ["cpu"] = "1", ["nvidia.com/gpu"] = "1" },
            s => s.Containers.Add(new V1Container { Name = "side", Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "250m", ["memory"] = "1Gi" } } }));
        var r = PodFit.Requests(pod);
        Assert.Equal(0.75m, r["cpu"]);
        Assert.Equal(1m, r["nvidia.com/gpu"]);
        Assert.Equal(1024m * 1024 * 1024, r["memory"]);
    }

    [Fact]
    public void A_pod_fits_only_in_what_is_left()
    {
        var pod = PodWith(new() { ["cpu"] = "1500m" });
        Assert.Null(PodFit.Check(pod, Node, new Dictionary<string, decimal>(), 0));
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu.", PodFit.Check(pod, Node, new Dictionary<string, decimal> { ["cpu"] = 1 }, 1));
        Assert.Equal("0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient nvidia.com/gpu.",
            PodFit.Check(PodWith(limits: new() { ["cpu"] = "3", ["nvidia.com/gpu"] = "2" }), Node, new Dictionary<string, decimal>(), 0));
        Assert.Equal("0/1 nodes are available: 1 Too many pods.", PodFit.Check(PodWith(), Node with { MaxPods = 1 }, new Dictionary<string, decimal>(), 1));
    }

    [Fact]
    public void Node_selector_taints_and_cordon_are_checked()
    {
        Assert.Null(PodFit.Check(PodWith(spec: s => s.NodeSelector = new Dictionary<string, string> { ["disktype"] = "ssd" }), Node, new Dictionary<string, decimal>(), 0));
        Assert.Contains("didn't match", PodFit.Check(PodWith(spec: s => s.NodeSelector = new Dictionary<string, string> { ["disktype"] = "hdd" }), Node, new Dictionary<string, decimal>(), 0));
        Assert.Contains("were unschedulable", PodFit.Check(PodWith(), Node with { Unschedulable = true }, new Dictionary<string, decimal>(), 0));

        var tainted = Node with { Taints = [new V1Taint { Key = "gpu", Value = "a100", Effect = "NoSchedule" }, new V1Taint { Key = "soft", Effect = "PreferNoSchedule" }] };
        Assert.Equal("0/1 nodes are available: 1 node(s) had untolerated taint {gpu: a100}.", PodFit.Check(PodWith(), tainted, new Dictionary<string, decimal>(), 0));
        Assert.Null(PodFit.Check(PodWith(spec: s => s.Tolerations = [new V1Toleration { Key = "gpu", OperatorProperty = "Equal", Value = "a100", Effect = "NoSchedule" }]), tainted, new Dictionary<string, decimal>(), 0));
        Assert.Null(PodFit.Check(PodWith(spec: s => s.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }]), tainted, new Dictionary<string, decimal>(), 0));
        Assert.NotNull(PodFit.Check(PodWith(spec: s => s.Tolerations = [new V1Toleration { Key = "gpu", Value = "h100" }]), tainted, new Dictionary<string, decimal>(), 0));
        Assert.NotNull(PodFit.Check(PodWith(spec: s => s.Tolerations = [new V1Toleration { Key = "gpu", OperatorProperty = "Exists", Effect = "NoExecute" }]), tainted, new Dictionary<string, decimal>(), 0));
    }

    [Fact]
    public void Paths_map_by_longest_prefix_on_a_path_boundary()
    {
        var m = new PathMapper();
        m.Add("/data", "/host/data");
        m.Add("/data/models/", "/fast/models");
        m.Add("/dev/termination-log", "/sb/termination-log");

        Assert.Equal("/host/data", m.Map("/data"));
        Assert.Equal("/host/data/x/y", m.Map("/data/x/y"));
        Assert.Equal("/fast/models/r.bin", m.Map("/data/models/r.bin"));
        Assert.Equal("/database", m.Map("/database"));
        Assert.Equal("file:///host/data/mnist", m.Map("file:///data/mnist"));
        Assert.Equal("--out=/host/data/o", m.Map("--out=/data/o"));
        Assert.Equal("--uri=file:///fast/models", m.Map("--uri=file:///data/models"));
        Assert.Equal("/sb/termination-log", m.Map("/dev/termination-log"));
        Assert.Equal("relative/data", m.Map("relative/data"));
        Assert.Equal("s3://bucket/data", m.Map("s3://bucket/data"));
    }

    [Fact]
    public void Env_references_expand_like_kubernetes()
    {
        var vars = new Dictionary<string, string> { ["A"] = "1", ["B"] = "two" };
        Assert.Equal("1-two", EnvExpansion.Expand("$(A)-$(B)", vars));
        Assert.Equal("$(MISSING)", EnvExpansion.Expand("$(MISSING)", vars));
        Assert.Equal("$(A)", EnvExpansion.Expand("$$(A)", vars));
        Assert.Equal("cost $5", EnvExpansion.Expand("cost $5", vars));
        Assert.Equal("$(A", EnvExpansion.Expand("$(A", vars));
    }

    [Theory]
    [InlineData("a\nb\nc\n", 2, "b\nc\n")]
    [InlineData("a\nb\nc", 2, "b\nc")]
    [InlineData("a\nb\nc\n", 5, "a\nb\nc\n")]
    [InlineData("a\nb\nc\n", 0, "")]
    [InlineData("", 3, "")]
    public void Tail_offsets_count_lines_from_the_end(string text, long lines, string expected)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, text);
            using var f = File.OpenRead(path);
            var offset = LogFile.TailOffset(f, lines);
            Assert.Equal(expected, text[(int)offset..]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tail_offsets_work_across_chunks()
    {
        var path = Path.GetTempFileName();
        try
        {
            var sb = new StringBuilder();
            for (var i = 0; i < 20000; i++)
            {
                sb.Append("line ").Append(i).Append('\n');
            }

            File.WriteAllText(path, sb.ToString());
            using var f = File.OpenRead(path);
            f.Position = LogFile.TailOffset(f, 10001);
            using var reader = new StreamReader(f);
            Assert.StartsWith("line 9999\n", reader.ReadToEnd());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Termination_messages_are_capped_at_4096_bytes_and_fall_back_to_logs_only_on_failure()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            var term = Path.Combine(dir, "termination-log");
            var log = Path.Combine(dir, "log");
            File.WriteAllText(term, new string('x', 5000));
            File.WriteAllText(log, string.Join('\n', Enumerable.Range(0, 100).Select(i => $"l{i}")) + "\n");
            Assert.Equal(4096, TerminationMessage.Read(term, log, 0, "File")!.Length);

            File.WriteAllText(term, "");
            Assert.Null(TerminationMessage.Read(term, log, 1, "File"));
            Assert.Null(TerminationMessage.Read(term, log, 0, "FallbackToLogsOnError"));
            var fallback = TerminationMessage.Read(term, log, 1, "FallbackToLogsOnError")!;
            Assert.StartsWith("l20\n", fallback);
            Assert.EndsWith("l99\n", fallback);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
