using System.Text;
using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Server-side apply: managedFields, conflicts between managers, force, removal of fields no longer applied.</summary>
public sealed class ServerSideApplyTests : ServerHarness
{
    private const string Apply = "application/apply-patch+yaml";

    private Task<ApiClient.Response> ApplyAsync(string name, string manager, string body, bool force = false, string sub = "") =>
        Api.PatchAsync($"{Jobs}/{name}{sub}?fieldManager={manager}{(force ? "&force=true" : "")}", body, Apply);

    private static string Job(string name, string spec, string extraMeta = "") =>
        "{\"apiVersion\":\"clustertune.io/v1alpha1\",\"kind\":\"FineTuneJob\",\"metadata\":{\"name\":\"" + name + "\"" + extraMeta + "},\"spec\":" + spec + "}";

    private static JsonObject Entry(JsonObject obj, string manager, string operation = "Apply") =>
        obj["metadata"]!["managedFields"]!.AsArray().Select(e => e!.AsObject())
            .Single(e => e["manager"]!.GetValue<string>() == manager && e["operation"]!.GetValue<string>() == operation);

    private static string Fields(JsonObject entry) => entry["fieldsV1"]!.ToJsonString();

    [Fact]
    public async Task A_create_records_an_Update_entry_named_after_the_user_agent_and_an_apply_conflicts_with_it_until_forced()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Jobs.TrimStart('/'))
        {
            Content = new StringContent(Job("ssa", """{"lr":[0.0001,0.0003],"maxTrials":4}"""), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", "sweep-cli/1.2.3 (linux)");
        var created = JsonNode.Parse(await (await Fixture.Http.SendAsync(request)).Content.ReadAsStringAsync())!.AsObject();
        var update = Entry(created, "sweep-cli", "Update");
        Assert.Equal("clustertune.io/v1alpha1", update["apiVersion"]!.GetValue<string>());
        Assert.Equal("FieldsV1", update["fieldsType"]!.GetValue<string>());
        Assert.NotNull(update["time"]);
        Assert.Equal("""{"f:spec":{".":{},"f:lr":{},"f:maxTrials":{}}}""", Fields(update));
        // GET returns them too.
        Assert.Equal(Fields(update), Fields(Entry((await Api.GetAsync($"{Jobs}/ssa")).Object, "sweep-cli", "Update")));

        var conflict = await ApplyAsync("ssa", "mgr1", Job("ssa", """{"maxTrials":5}"""));
        Assert.Equal(409, conflict.Code);
        Assert.Equal("Conflict", conflict.Object["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 1 conflict: conflict with \"sweep-cli\" using clustertune.io/v1alpha1: .spec.maxTrials", conflict.Object["message"]!.GetValue<string>());
        var cause = Assert.Single(conflict.Object["details"]!["causes"]!.AsArray())!;
        Assert.Equal("FieldManagerConflict", cause["reason"]!.GetValue<string>());
        Assert.Equal(".spec.maxTrials", cause["field"]!.GetValue<string>());
        Assert.Equal(4, (await Api.GetAsync($"{Jobs}/ssa")).Object["spec"]!["maxTrials"]!.GetValue<int>());

        // The same value is no conflict (shared ownership); force takes the field over.
        Assert.Equal(200, (await ApplyAsync("ssa", "same", Job("ssa", """{"maxTrials":4}"""))).Code);
        var forced = await ApplyAsync("ssa", "mgr1", Job("ssa", """{"maxTrials":5}"""), force: true);
        Assert.Equal(200, forced.Code);
        Assert.Equal(5, forced.Object["spec"]!["maxTrials"]!.GetValue<int>());
        Assert.Equal("""{"f:spec":{"f:maxTrials":{}}}""", Fields(Entry(forced.Object, "mgr1")));
        Assert.Equal("""{"f:spec":{".":{},"f:lr":{}}}""", Fields(Entry(forced.Object, "sweep-cli", "Update")));
        Assert.DoesNotContain(forced.Object["metadata"]!["managedFields"]!.AsArray(), e => e!["manager"]!.GetValue<string>() == "same");
    }

    [Fact]
    public async Task Two_appliers_conflict_per_field_and_an_apply_that_omits_a_field_removes_it()
    {
        var first = await ApplyAsync("two", "mgr1", Job("two", """{"maxTrials":3,"lr":[0.1],"owner":"a"}""", ",\"labels\":{\"team\":\"ml\"}"));
        Assert.Equal(201, first.Code);
        Assert.Equal("""{"f:metadata":{"f:labels":{"f:team":{}}},"f:spec":{"f:lr":{},"f:maxTrials":{},"f:owner":{}}}""", Fields(Entry(first.Object, "mgr1")));

        var conflict = await ApplyAsync("two", "mgr2", Job("two", """{"maxTrials":6,"lr":[0.2],"owner":"a"}"""));
        Assert.Equal(409, conflict.Code);
        Assert.Equal("Apply failed with 2 conflicts: conflicts with \"mgr1\":\n- .spec.lr\n- .spec.maxTrials", conflict.Object["message"]!.GetValue<string>());
        Assert.Equal([".spec.lr", ".spec.maxTrials"], conflict.Object["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).Order());
        Assert.All(conflict.Object["details"]!["causes"]!.AsArray(), c => Assert.Equal("conflict with \"mgr1\"", c!["message"]!.GetValue<string>()));

        // mgr2 co-owns "owner" (same value); mgr1 then stops applying owner, lr and the label.
        Assert.Equal(200, (await ApplyAsync("two", "mgr2", Job("two", """{"owner":"a"}"""))).Code);
        var second = await ApplyAsync("two", "mgr1", Job("two", """{"maxTrials":3}"""));
        Assert.Equal(200, second.Code);
        Assert.Null(second.Object["spec"]!["lr"]);
        Assert.Null(second.Object["metadata"]!["labels"]);
        Assert.Equal("a", second.Object["spec"]!["owner"]!.GetValue<string>());
        Assert.Equal("""{"f:spec":{"f:maxTrials":{}}}""", Fields(Entry(second.Object, "mgr1")));
    }

    [Fact]
    public async Task Fields_changed_by_a_merge_patch_belong_to_its_field_manager()
    {
        Assert.Equal(201, (await ApplyAsync("edit", "op", Job("edit", """{"maxTrials":3}"""))).Code);
        var patched = await Api.PatchAsync($"{Jobs}/edit?fieldManager=editor", """{"spec":{"maxTrials":8}}""", "application/merge-patch+json");
        Assert.Equal(200, patched.Code);
        Assert.Equal("""{"f:spec":{"f:maxTrials":{}}}""", Fields(Entry(patched.Object, "editor", "Update")));
        Assert.DoesNotContain(patched.Object["metadata"]!["managedFields"]!.AsArray(), e => e!["manager"]!.GetValue<string>() == "op");

        var conflict = await ApplyAsync("edit", "op", Job("edit", """{"maxTrials":3}"""));
        Assert.Equal(409, conflict.Code);
        Assert.Equal("conflict with \"editor\" using clustertune.io/v1alpha1", conflict.Object["details"]!["causes"]![0]!["message"]!.GetValue<string>());

        // A write that changes nothing keeps the resourceVersion and the entries.
        var again = await Api.PatchAsync($"{Jobs}/edit?fieldManager=other", """{"spec":{"maxTrials":8}}""", "application/merge-patch+json");
        Assert.Equal(ApiClient.Rv(patched.Object), ApiClient.Rv(again.Object));
    }

    [Fact]
    public async Task Status_apply_is_tracked_for_the_status_subresource()
    {
        Assert.Equal(201, (await Api.PostAsync(Jobs, Job("st", "{}"))).Code);
        var r = await ApplyAsync("st", "clustertune-operator", """{"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob","metadata":{"name":"st"},"status":{"phase":"Running"}}""",
            force: true, sub: "/status");
        Assert.Equal(200, r.Code);
        var entry = Entry(r.Object, "clustertune-operator");
        Assert.Equal("status", entry["subresource"]!.GetValue<string>());
        Assert.Equal("""{"f:status":{"f:phase":{}}}""", Fields(entry));
    }

    [Fact]
    public async Task Field_manager_must_be_at_most_128_characters_and_force_is_for_apply_only()
    {
        var tooLong = await Api.PostAsync($"{Jobs}?fieldManager={new string('m', 129)}", Job("long", "{}"));
        Assert.Equal(422, tooLong.Code);
        Assert.Equal("CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes", tooLong.Object["message"]!.GetValue<string>());
        Assert.Equal(201, (await Api.PostAsync($"{Jobs}?fieldManager={new string('m', 128)}", Job("long", "{}"))).Code);
        var control = await Api.PostAsync($"{Jobs}?fieldManager=a%07b", Job("ctl", "{}"));
        Assert.Equal(422, control.Code);
        Assert.EndsWith("fieldManager: Invalid value: \"a\u0007b\": invalid character U+0007 (at position 1)", control.Object["message"]!.GetValue<string>());
        var force = await Api.PatchAsync($"{Jobs}/long?force=true", """{"spec":{}}""", "application/merge-patch+json");
        Assert.Equal(422, force.Code);
        Assert.Equal("force", force.Object["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }
}
