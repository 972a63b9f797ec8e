namespace ClusterTune.ControlPlane.Tests;

/// <summary>CEL transition rules (immutability) of a CRD: enforced on update, and an unsupported rule is refused at install.</summary>
public sealed class TransitionRuleTests : ServerHarness
{
    private const string Widgets = "/apis/example.io/v1/namespaces/default/widgets";

    private static string Crd(string rule) => """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.io"},
         "spec":{"group":"example.io","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
          "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
            "spec":{"type":"object","x-kubernetes-validations":[{"rule":"has(self.owner) == has(oldSelf.owner)","message":"owner cannot be added or removed"}],
              "properties":{"owner":{"type":"string","x-kubernetes-validations":[{"rule":"RULE","message":"owner is immutable"}]},"size":{"type":"integer"}}}}}}}]}}
        """.Replace("RULE", rule, StringComparison.Ordinal);

    [Fact]
    public async Task An_immutable_field_cannot_change_be_added_or_removed_while_other_fields_can()
    {
        Server.InstallCrds(Crd("self == oldSelf"));
        Assert.Equal(201, (await Api.PostAsync(Widgets, """{"apiVersion":"example.io/v1","kind":"Widget","metadata":{"name":"a"},"spec":{"owner":"x.io/a","size":1}}""")).Code);
        Assert.Equal(201, (await Api.PostAsync(Widgets, """{"apiVersion":"example.io/v1","kind":"Widget","metadata":{"name":"b"},"spec":{"size":1}}""")).Code);

        var changed = await Api.PatchAsync($"{Widgets}/a", """{"spec":{"owner":"y.io/b"}}""", "application/merge-patch+json");
        Assert.Equal(422, changed.Code);
        Assert.Contains("spec.owner: Invalid value: \"string\": owner is immutable", changed.Object["message"]!.GetValue<string>());
        Assert.Equal(422, (await Api.PatchAsync($"{Widgets}/a", """{"spec":{"owner":null}}""", "application/merge-patch+json")).Code);
        Assert.Equal(422, (await Api.PatchAsync($"{Widgets}/b", """{"spec":{"owner":"x.io/a"}}""", "application/merge-patch+json")).Code);
        Assert.Equal(200, (await Api.PatchAsync($"{Widgets}/a", """{"spec":{"owner":"x.io/a","size":2}}""", "application/merge-patch+json")).Code);
    }

    [Fact]
    public void A_rule_the_server_cannot_evaluate_is_refused_at_install()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Server.InstallCrds(Crd("self.size(self) > 0")));
        Assert.Contains("the embedded API server evaluates only", e.Message);
    }
}
