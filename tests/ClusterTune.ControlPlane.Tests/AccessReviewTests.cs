namespace ClusterTune.ControlPlane.Tests;

/// <summary>authorization.k8s.io self reviews: discovered, answered allowed (no authorization here), never stored.</summary>
public sealed class AccessReviewTests : ServerHarness
{
    private const string Group = "/apis/authorization.k8s.io/v1";

    [Fact]
    public async Task Self_subject_access_review_is_discovered_and_allowed()
    {
        var discovery = await Api.GetAsync(Group);
        Assert.Equal(200, discovery.Code);
        var ssar = discovery.Object["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "selfsubjectaccessreviews")!;
        Assert.Equal("SelfSubjectAccessReview", ssar["kind"]!.GetValue<string>());
        Assert.Equal(["create"], ssar["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains((await Api.GetAsync("/apis")).Object["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "authorization.k8s.io");

        var r = await Api.PostAsync($"{Group}/selfsubjectaccessreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}}}""");
        Assert.Equal(201, r.Code);
        Assert.Equal("SelfSubjectAccessReview", r.Object["kind"]!.GetValue<string>());
        Assert.Equal("pods", r.Object["spec"]!["resourceAttributes"]!["resource"]!.GetValue<string>());
        Assert.True(r.Object["status"]!["allowed"]!.GetValue<bool>());
        Assert.Contains("allows every request", r.Object["status"]!["reason"]!.GetValue<string>());

        // Create-only, like the real resource.
        Assert.Equal(405, (await Api.GetAsync($"{Group}/selfsubjectaccessreviews")).Code);
    }

    [Fact]
    public async Task A_review_without_attributes_is_invalid()
    {
        var r = await Api.PostAsync($"{Group}/selfsubjectaccessreviews", """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{}}""");
        Assert.Equal(422, r.Code);
        Assert.Equal("spec.resourceAttributes", r.Object["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    // One length-delimited protobuf field (small field numbers and lengths only).
    private static byte[] Field(int number, byte[] payload) => [(byte)((number << 3) | 2), (byte)payload.Length, .. payload];

    private static byte[] Text(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    [Fact]
    public async Task A_protobuf_review_like_kubectl_auth_can_i_sends_is_answered_in_json()
    {
        // k8s\0 + runtime.Unknown{typeMeta, raw = SelfSubjectAccessReview{spec{resourceAttributes{verb, resource}}}}.
        var attributes = Field(2, Text("delete")).Concat(Field(5, Text("finetunejobs"))).Concat(Field(3, Text("clustertune.io"))).ToArray();
        var review = Field(2, Field(1, attributes));
        var unknown = Field(1, Field(1, Text("authorization.k8s.io/v1")).Concat(Field(2, Text("SelfSubjectAccessReview"))).ToArray()).Concat(Field(2, review)).ToArray();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Group}/selfsubjectaccessreviews".TrimStart('/'))
        {
            Content = new ByteArrayContent([(byte)'k', (byte)'8', (byte)'s', 0, .. unknown]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.kubernetes.protobuf,application/json");
        using var response = await Fixture.Http.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("delete", body["spec"]!["resourceAttributes"]!["verb"]!.GetValue<string>());
        Assert.Equal("clustertune.io", body["spec"]!["resourceAttributes"]!["group"]!.GetValue<string>());
        Assert.True(body["status"]!["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Self_subject_rules_review_lists_everything()
    {
        var r = await Api.PostAsync($"{Group}/selfsubjectrulesreviews",
            """{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"default"}}""");
        Assert.Equal(201, r.Code);
        Assert.Equal("*", r.Object["status"]!["resourceRules"]![0]!["verbs"]![0]!.GetValue<string>());
        Assert.False(r.Object["status"]!["incomplete"]!.GetValue<bool>());
    }
}
