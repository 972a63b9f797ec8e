using System.Text.Json.Nodes;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.Tests;

public sealed class YamlEmitterTests
{
    [Theory]
    [InlineData("plain text")]
    [InlineData("true")]
    [InlineData("No")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("1Gi")]
    [InlineData("500m")]
    [InlineData("a: b")]
    [InlineData("a #b")]
    [InlineData("#c")]
    [InlineData("- x")]
    [InlineData("   ")]
    [InlineData("")]
    [InlineData("line\nbreak")]
    [InlineData("tab\there")]
    [InlineData("µs and ümlaut")]
    [InlineData("@x")]
    [InlineData("*x")]
    [InlineData("&x")]
    [InlineData("!x")]
    [InlineData("|")]
    [InlineData(">")]
    [InlineData("'q'")]
    [InlineData("\"dq\"")]
    [InlineData("{a}")]
    [InlineData("[a]")]
    [InlineData("^(0|([0-9]*(\\.[0-9]*)?(ns|us|µs|ms|s|m|h))+)$")]
    public void Strings_read_back_unchanged_as_values_and_keys(string text)
    {
        var tree = new JsonObject
        {
            ["value"] = text,
            ["list"] = new JsonArray(text, 1, 2.5, true),
            [text.Length == 0 ? "empty" : text] = new JsonObject { ["nested"] = text },
        };
        var back = YamlToJson.Convert(YamlEmitter.Write(tree));
        Assert.True(JsonNode.DeepEquals(tree, back), $"{text}:\n{YamlEmitter.Write(tree)}");
    }

    [Fact]
    public void Empty_containers_and_lists_of_objects_use_the_kubectl_layout()
    {
        var tree = new JsonObject
        {
            ["status"] = new JsonObject(),
            ["items"] = new JsonArray(new JsonObject { ["name"] = "a", ["v"] = 1 }, new JsonArray(1, 2), new JsonArray()),
        };
        var yaml = YamlEmitter.Write(tree);
        Assert.Equal("status: {}\nitems:\n- name: a\n  v: 1\n-\n  - 1\n  - 2\n- []\n", yaml);
        Assert.True(JsonNode.DeepEquals(tree, YamlToJson.Convert(yaml)));
    }
}
