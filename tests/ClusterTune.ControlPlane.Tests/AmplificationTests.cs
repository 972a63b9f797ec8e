using System.Text;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Issue 13 item 2: request bodies are bounded like kube-apiserver's, and YAML cannot expand or nest without bound.</summary>
public sealed class AmplificationTests : ServerHarness
{
    /// <summary>The 348-byte "billion laughs": nine levels of nine aliases, 10^9 strings once expanded.</summary>
    public const string BillionLaughs = """
        apiVersion: clustertune.io/v1alpha1
        kind: FineTuneJob
        metadata: {name: lol}
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """;

    private static string Job(string name, string padding = "") =>
        "{\"apiVersion\":\"clustertune.io/v1alpha1\",\"kind\":\"FineTuneJob\",\"metadata\":{\"name\":\"" + name + "\",\"annotations\":{\"pad\":\"" + padding + "\"}},\"spec\":{}}";

    [Fact]
    public async Task A_body_over_3_MiB_is_413_with_a_Status_and_the_server_serves_on()
    {
        var r = await Api.PostAsync(Jobs, Job("big", new string('x', 4 * 1024 * 1024)));

        Assert.Equal(413, r.Code);
        Assert.Equal("Status", r.Object["kind"]!.GetValue<string>());
        Assert.Equal("RequestEntityTooLarge", r.Object["reason"]!.GetValue<string>());
        Assert.Equal("Request entity too large: limit is 3145728", r.Object["message"]!.GetValue<string>());
        Assert.Equal(413, r.Object["code"]!.GetValue<int>());
        Assert.Equal(201, (await Api.PostAsync(Jobs, Job("small", new string('x', 1024 * 1024)))).Code);
        Assert.Equal(404, (await Api.GetAsync(Jobs + "/big")).Code);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_refused_too()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Job("chunked", new string('y', 5 * 1024 * 1024)))));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, Jobs) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Fixture.Http.SendAsync(request);
        Assert.Equal(413, (int)response.StatusCode);
        Assert.Contains("RequestEntityTooLarge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Yaml_aliases_are_refused_before_they_expand()
    {
        var before = GC.GetTotalAllocatedBytes();
        var r = await Api.SendAsync(HttpMethod.Post, Jobs, BillionLaughs, "application/yaml");

        Assert.Equal(400, r.Code);
        Assert.Contains("YAML aliases are not accepted", r.Object["message"]!.GetValue<string>(), StringComparison.Ordinal);
        // Process-wide, so other tests count too; expanded, the document would need gigabytes.
        Assert.True(GC.GetTotalAllocatedBytes() - before < 500L << 20, "the aliases were expanded");
        Assert.Equal(201, (await Api.SendAsync(HttpMethod.Post, Jobs, "apiVersion: clustertune.io/v1alpha1\nkind: FineTuneJob\nmetadata: {name: fine}\nspec: {}\n", "application/yaml")).Code);
    }

    [Fact]
    public void Deep_nesting_is_refused_instead_of_overflowing_the_stack()
    {
        var deep = "a: " + new string('[', 100_000) + new string(']', 100_000);
        var e = Assert.Throws<FormatException>(() => YamlJson.ParseDocuments(deep));
        Assert.Contains($"more than {YamlJson.MaxDepth} levels", e.Message, StringComparison.Ordinal);
        var json = Assert.Throws<FormatException>(() => YamlJson.ParseDocuments(new string('[', 100_000) + new string(']', 100_000)));
        Assert.Contains("invalid JSON", json.Message, StringComparison.Ordinal);
        Assert.Single(YamlJson.ParseDocuments("a: " + new string('[', 50) + new string(']', 50)));
    }

    [Theory]
    [InlineData("application/json", "{\"apiVersion\":\"clustertune.io/v1alpha1\",\"kind\":\"FineTuneJob\",\"metadata\":{\"name\":\"inf\"},\"spec\":{\"objective\":{\"target\":1e309}}}")]
    [InlineData("application/yaml", "apiVersion: clustertune.io/v1alpha1\nkind: FineTuneJob\nmetadata: {name: inf}\nspec: {objective: {target: 1e309}}\n")]
    public async Task A_number_beyond_float64_is_400_naming_where_it_is(string contentType, string body)
    {
        // Stored, 1e309 was an object no client could decode: the operator never reconciled it and said nothing.
        var r = await Api.SendAsync(HttpMethod.Post, Jobs, body, contentType);
        Assert.Equal(400, r.Code);
        Assert.Contains("1e309", r.Object["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("does not fit a 64-bit float", r.Object["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(404, (await Api.GetAsync(Jobs + "/inf")).Code);
    }

    [Fact]
    public async Task A_1_MB_string_against_a_pattern_is_422_not_a_regex_timeout()
    {
        var body = "{\"apiVersion\":\"clustertune.io/v1alpha1\",\"kind\":\"FineTuneJob\",\"metadata\":{\"name\":\"long\"},\"spec\":{\"budget\":{\"maxDuration\":\"" + new string('m', 1 << 20) + "\"}}}";
        Server.InstallCrds(ClusterTune.Api.Schema.CrdGenerator.GenerateAllYaml().Single(c => c.Key.Contains("finetunejobs", StringComparison.Ordinal)).Value);
        var r = await Api.PostAsync(Jobs, body);
        Assert.Equal(422, r.Code);
        Assert.Contains("spec.budget.maxDuration", r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchors_without_aliases_still_parse()
    {
        var doc = Assert.Single(YamlJson.ParseDocuments("a: &x 1\nb: 2\n"));
        Assert.Equal(1, doc["a"]!.GetValue<long>());
    }
}
