using System.Text.Json.Nodes;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>events.k8s.io/v1 served from the same storage as core v1 events, each version seeing the other's writes.</summary>
public sealed class EventsV1Tests : ServerHarness
{
    private const string V1Events = "/apis/events.k8s.io/v1/namespaces/default/events";
    private const string CoreEvents = "/api/v1/namespaces/default/events";

    private const string V1Event = """
        {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"trial-0.1"},
         "eventTime":"2026-12-06T10:00:00.000000Z","reportingController":"clustertune.io/operator","reportingInstance":"op-1",
         "action":"Scheduling","reason":"TrialStarted","type":"Normal","note":"trial 0 started",
         "regarding":{"kind":"Pod","namespace":"default","name":"trial-0","apiVersion":"v1"},"deprecatedCount":3}
        """;

    [Fact]
    public async Task The_group_is_discovered()
    {
        var doc = await Api.GetAsync("/apis/events.k8s.io/v1");
        Assert.Equal(200, doc.Code);
        var events = doc.Object["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "events")!;
        Assert.True(events["namespaced"]!.GetValue<bool>());
        Assert.Equal("Event", events["kind"]!.GetValue<string>());
        Assert.Contains("watch", events["verbs"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains((await Api.GetAsync("/apis")).Object["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "events.k8s.io");
    }

    [Fact]
    public async Task An_events_v1_event_is_a_core_event_and_back()
    {
        await using var coreWatch = await WatchReader.OpenAsync(Fixture.Http, $"{CoreEvents}?watch=1&resourceVersion={Server.ResourceVersion}");
        var created = await Api.PostAsync(V1Events, V1Event);
        Assert.Equal(201, created.Code);
        Assert.Equal("events.k8s.io/v1", created.Object["apiVersion"]!.GetValue<string>());
        Assert.Equal("trial 0 started", created.Object["note"]!.GetValue<string>());
        Assert.Null(created.Object["message"]);

        var core = (await Api.GetAsync($"{CoreEvents}/trial-0.1")).Object;
        Assert.Equal("v1", core["apiVersion"]!.GetValue<string>());
        Assert.Equal("trial 0 started", core["message"]!.GetValue<string>());
        Assert.Equal("trial-0", core["involvedObject"]!["name"]!.GetValue<string>());
        Assert.Equal("clustertune.io/operator", core["reportingComponent"]!.GetValue<string>());
        Assert.Equal(3, core["count"]!.GetValue<int>());
        Assert.Equal("TrialStarted", core["reason"]!.GetValue<string>());
        Assert.Equal("Scheduling", core["action"]!.GetValue<string>());
        Assert.Equal("2026-12-06T10:00:00.000000Z", core["eventTime"]!.GetValue<string>());
        Assert.Null(core["note"]);
        Assert.Single(Items(await Api.GetAsync(CoreEvents)));
        // kubectl describe finds events by involvedObject field selectors.
        Assert.Single(Items(await Api.GetAsync($"{CoreEvents}?fieldSelector=involvedObject.name%3Dtrial-0")));

        var events = await coreWatch.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal("trial 0 started", events[0]["object"]!["message"]!.GetValue<string>());

        // A patch through events.k8s.io is applied to the events.k8s.io view.
        var patched = await Api.PatchAsync($"{V1Events}/trial-0.1", """{"note":"trial 0 running","series":{"count":4,"lastObservedTime":"2026-12-06T10:01:00.000000Z"}}""",
            "application/merge-patch+json");
        Assert.Equal(200, patched.Code);
        Assert.Equal("trial 0 running", patched.Object["note"]!.GetValue<string>());
        core = (await Api.GetAsync($"{CoreEvents}/trial-0.1")).Object;
        Assert.Equal("trial 0 running", core["message"]!.GetValue<string>());
        Assert.Equal(4, core["series"]!["count"]!.GetValue<int>());

        Assert.Equal(200, (await Api.DeleteAsync($"{V1Events}/trial-0.1")).Code);
        Assert.Equal(404, (await Api.GetAsync($"{CoreEvents}/trial-0.1")).Code);
    }

    [Fact]
    public async Task A_core_event_reads_as_events_v1_in_get_list_and_watch()
    {
        await using var watch = await WatchReader.OpenAsync(Fixture.Http, $"{V1Events}?watch=1&resourceVersion={Server.ResourceVersion}");
        var core = await Api.PostAsync(CoreEvents, """
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"old-style"},"involvedObject":{"kind":"Pod","name":"p"},
             "reason":"Pulled","message":"image pulled","type":"Normal","count":2,"source":{"component":"kubelet","host":"n1"},
             "firstTimestamp":"2026-12-06T10:00:00Z","lastTimestamp":"2026-12-06T10:05:00Z"}
            """);
        Assert.Equal(201, core.Code);
        var v1 = (await Api.GetAsync($"{V1Events}/old-style")).Object;
        Assert.Equal("events.k8s.io/v1", v1["apiVersion"]!.GetValue<string>());
        Assert.Equal("image pulled", v1["note"]!.GetValue<string>());
        Assert.Equal("p", v1["regarding"]!["name"]!.GetValue<string>());
        Assert.Equal(2, v1["deprecatedCount"]!.GetValue<int>());
        Assert.Equal("kubelet", v1["deprecatedSource"]!["component"]!.GetValue<string>());
        Assert.Equal("2026-12-06T10:05:00Z", v1["deprecatedLastTimestamp"]!.GetValue<string>());
        Assert.Null(v1["message"]);
        Assert.Null(v1["involvedObject"]);

        var list = await Api.GetAsync(V1Events);
        Assert.Equal("EventList", list.Object["kind"]!.GetValue<string>());
        Assert.Equal("events.k8s.io/v1", list.Object["apiVersion"]!.GetValue<string>());
        Assert.Equal("image pulled", Items(list).Single()["note"]!.GetValue<string>());

        var events = await watch.WaitForAsync(1, TimeSpan.FromSeconds(5));
        Assert.Equal("events.k8s.io/v1", events[0]["object"]!["apiVersion"]!.GetValue<string>());
        Assert.Equal("image pulled", events[0]["object"]!["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_events_v1_event_needs_its_reporting_fields()
    {
        var r = await Api.PostAsync(V1Events, """{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"bare"},"note":"x","type":"Normal"}""");
        Assert.Equal(422, r.Code);
        var fields = r.Object["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()).ToList();
        Assert.Equal(["eventTime", "reportingController", "reportingInstance", "action", "reason"], fields);
        Assert.Equal(404, (await Api.GetAsync($"{CoreEvents}/bare")).Code);
    }

    private static List<JsonObject> Items(ApiClient.Response list)
    {
        Assert.Equal(200, list.Code);
        return list.Object["items"]!.AsArray().Select(i => i!.AsObject()).ToList();
    }
}
