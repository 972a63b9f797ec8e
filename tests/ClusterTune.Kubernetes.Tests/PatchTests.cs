using System.Text.Json.Nodes;
using ClusterTune.Kubernetes.Patching;
using k8s;
using k8s.Models;

namespace ClusterTune.Kubernetes.Tests;

public sealed class PatchTests
{
    [Fact]
    public void Diff_produces_the_minimal_merge_patch_with_nulls_for_removed_keys()
    {
        var before = JsonNode.Parse("""{"metadata":{"labels":{"a":"1","b":"2"},"finalizers":["x","y"]},"spec":{"n":1,"keep":true}}""")!.AsObject();
        var after = JsonNode.Parse("""{"metadata":{"labels":{"a":"1","c":"3"},"finalizers":["x"]},"spec":{"n":2,"keep":true}}""")!.AsObject();
        var patch = MergePatch.Diff(before, after);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"metadata":{"labels":{"b":null,"c":"3"},"finalizers":["x"]},"spec":{"n":2}}"""), patch), patch.ToJsonString());
        Assert.True(JsonNode.DeepEquals(after, MergePatch.Apply(before, patch)));
    }

    [Fact]
    public void Diff_of_equal_objects_is_empty_and_typed_diff_sees_status_changes()
    {
        var a = new V1PodStatus { Phase = "Running", PodIP = "10.0.0.1" };
        var b = new V1PodStatus { Phase = "Succeeded", PodIP = "10.0.0.1" };
        Assert.Empty(MergePatch.Diff(a, a));
        Assert.Equal("""{"phase":"Succeeded"}""", MergePatch.Diff(a, b).ToJsonString());
    }

    [Fact]
    public void Apply_follows_RFC7386_examples()
    {
        // From RFC 7386 appendix A.
        Assert.Equal("""{"a":"z","c":{"d":"e"}}""", MergePatch.Apply(JsonNode.Parse("""{"a":"b","c":{"d":"e","f":"g"}}"""), JsonNode.Parse("""{"a":"z","c":{"f":null}}"""))!.ToJsonString());
        Assert.Equal("""{"a":["c"]}""", MergePatch.Apply(JsonNode.Parse("""{"a":["b"]}"""), JsonNode.Parse("""{"a":["c"]}"""))!.ToJsonString());
        Assert.Equal("""{"a":{"b":"c"}}""", MergePatch.Apply(JsonNode.Parse("""{"a":[{"b":"c"}]}"""), JsonNode.Parse("""{"a":{"b":"c"}}"""))!.ToJsonString());
        Assert.Equal("""{"e":null}""", MergePatch.Apply(JsonNode.Parse("""{"e":null}"""), JsonNode.Parse("""{"a":null}"""))!.ToJsonString());
    }

    [Fact]
    public void WithResourceVersion_adds_the_precondition_and_requires_a_version()
    {
        var p = MergePatch.WithResourceVersion(MergePatch.ForStatus(new V1PodStatus { Phase = "Running" }), "88");
        Assert.Equal("""{"status":{"phase":"Running"},"metadata":{"resourceVersion":"88"}}""", p.ToJsonString());
        Assert.True(MergePatch.HasResourceVersion(p));
        Assert.False(MergePatch.HasResourceVersion(new JsonObject { ["spec"] = 1 }));
        Assert.Throws<ArgumentException>(() => MergePatch.WithResourceVersion(new JsonObject(), ""));
    }

    [Fact]
    public void Json_patch_builds_ops_escapes_pointers_and_knows_when_it_is_guarded()
    {
        var p = new JsonPatch()
            .Test("/metadata/resourceVersion", "91")
            .Remove("/metadata/finalizers/0")
            .Add("/metadata/labels/" + JsonPatch.Escape("clustertune.io/job"), "sweep-a");
        Assert.Equal("""[{"op":"test","path":"/metadata/resourceVersion","value":"91"},{"op":"remove","path":"/metadata/finalizers/0"},{"op":"add","path":"/metadata/labels/clustertune.io~1job","value":"sweep-a"}]""", p.ToString());
        Assert.True(p.HasTest);
        Assert.False(new JsonPatch().Replace("/spec/x", 1).HasTest);
        Assert.Throws<ArgumentException>(() => new JsonPatch().Remove("metadata"));
    }
}
