using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Table-driven tests of the pure pieces: ages, selectors, patches, version priority, JSONPath.</summary>
public sealed class PureFunctionTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(150, "2m30s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 + 60, "3h1m")]
    [InlineData(10 * 3600, "10h")]
    [InlineData(3 * 86400 + 3600, "3d1h")]
    [InlineData(30 * 86400, "30d")]
    [InlineData(3 * 365 * 86400 + 86400, "3y1d")]
    public void HumanDuration_matches_apimachinery(int seconds, string expected) =>
        Assert.Equal(expected, TableRenderer.HumanDuration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("a=1", """{"a":"1"}""", true)]
    [InlineData("a==1", """{"a":"2"}""", false)]
    [InlineData("a!=1", """{}""", true)]
    [InlineData("a in (1, 2)", """{"a":"2"}""", true)]
    [InlineData("a notin (1,2)", """{"a":"2"}""", false)]
    [InlineData("a notin (1,2)", """{}""", true)]
    [InlineData("a,!b", """{"a":"x"}""", true)]
    [InlineData("a,!b", """{"a":"x","b":"y"}""", false)]
    [InlineData("", """{}""", true)]
    public void Label_selectors(string selector, string labels, bool matches)
    {
        var obj = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = JsonNode.Parse(labels) } };
        Assert.Equal(matches, Selector.ParseLabels(selector).Matches(obj));
    }

    [Theory]
    [InlineData("""{"a":1,"b":{"c":2}}""", """{"b":{"c":null,"d":3}}""", """{"a":1,"b":{"d":3}}""")]
    [InlineData("""{"l":[1,2]}""", """{"l":[3]}""", """{"l":[3]}""")]
    [InlineData("""{"a":1}""", """{"a":null}""", """{}""")]
    public void Merge_patch_follows_rfc7386(string target, string patch, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), ClusterTune.Kubernetes.Patching.MergePatch.Apply(JsonNode.Parse(target), JsonNode.Parse(patch))));

    [Theory]
    [InlineData("""{"a":[1,2]}""", """[{"op":"add","path":"/a/-","value":3}]""", """{"a":[1,2,3]}""")]
    [InlineData("""{"a":{"b~c":1}}""", """[{"op":"replace","path":"/a/b~0c","value":2}]""", """{"a":{"b~c":2}}""")]
    [InlineData("""{"a":1}""", """[{"op":"move","from":"/a","path":"/b"}]""", """{"b":1}""")]
    [InlineData("""{"a":1}""", """[{"op":"copy","from":"/a","path":"/b"},{"op":"test","path":"/b","value":1}]""", """{"a":1,"b":1}""")]
    public void Json_patch_follows_rfc6902(string target, string ops, string expected) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), Patches.JsonPatch(JsonNode.Parse(target), JsonNode.Parse(ops)!.AsArray())));

    [Theory]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""")]
    [InlineData("""[{"op":"remove","path":"/missing"}]""")]
    [InlineData("""[{"op":"explode","path":"/a"}]""")]
    public void Json_patch_failures_throw(string ops) =>
        Assert.Throws<PatchFailedException>(() => Patches.JsonPatch(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse(ops)!.AsArray()));

    [Fact]
    public void Strategic_merge_patch_merges_by_key_and_unions_finalizers()
    {
        var target = JsonNode.Parse("""{"metadata":{"finalizers":["a"]},"spec":{"containers":[{"name":"x","image":"1"},{"name":"y","image":"1"}]}}""");
        var patch = JsonNode.Parse("""{"metadata":{"finalizers":["b"]},"spec":{"$setElementOrder/containers":[{"name":"x"}],"containers":[{"name":"y","image":"2"},{"name":"x","$patch":"delete"}]}}""");
        var result = Patches.StrategicMergePatch(target, patch);
        Assert.Equal("""{"metadata":{"finalizers":["a","b"]},"spec":{"containers":[{"name":"y","image":"2"}]}}""", result!.ToJsonString());
    }

    [Theory]
    [InlineData(".spec.maxTrials", "5")]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "\"True\"")]
    [InlineData(".spec.lr[1]", "0.3")]
    [InlineData(".spec.lr[-1]", "0.3")]
    [InlineData(".spec.missing", "null")]
    public void Printer_column_jsonpath(string path, string expected)
    {
        var obj = JsonNode.Parse("""{"spec":{"maxTrials":5,"lr":[0.1,0.3]},"status":{"conditions":[{"type":"Other","status":"False"},{"type":"Ready","status":"True"}]}}""");
        Assert.Equal(expected, TableRenderer.Evaluate(obj, path)?.ToJsonString() ?? "null");
    }

    [Theory]
    [InlineData("v1", "v1beta1")]
    [InlineData("v2", "v1")]
    [InlineData("v1beta2", "v1beta1")]
    [InlineData("v1beta1", "v1alpha3")]
    [InlineData("v1alpha1", "custom")]
    public void Discovery_prefers_ga_over_beta_over_alpha(string higher, string lower) =>
        Assert.True(Discovery.VersionPriority(higher) > Discovery.VersionPriority(lower));

    [Fact]
    public void Yaml_documents_convert_with_core_schema_scalars()
    {
        var docs = YamlJson.ParseDocuments("a: 1\nb: '1'\nc: true\nd: 1.5\ne: ~\nf: [x, 2]\n---\nkind: Second\n");
        Assert.Equal(2, docs.Count);
        Assert.Equal("""{"a":1,"b":"1","c":true,"d":1.5,"e":null,"f":["x",2]}""", docs[0].ToJsonString());
    }
}
