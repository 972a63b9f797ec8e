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
