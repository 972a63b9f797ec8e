using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Serialization;

namespace ClusterTune.Kubernetes.Tests;

public sealed class SerializationTests
{
    [Fact]
    public void Pod_serializes_camelCase_without_nulls_and_with_downward_api_env()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "sweep-a-0-1", Namespace = "default" },
            Spec = new PodSpec
            {
                RestartPolicy = "Never",
                Containers =
                {
                    new Container
                    {
                        Name = "trainer",
                        Image = "clustertune/trainer",
                        Env = [new EnvVar { Name = "POD_NAME", ValueFrom = new EnvVarSource { FieldRef = new ObjectFieldSelector { FieldPath = "metadata.name" } } }],
                        Resources = new ResourceRequirements { Limits = new() { ["nvidia.com/gpu"] = "1", ["memory"] = "2Gi" } },
                    },
                },
            },
        };
        var json = JsonNode.Parse(KubernetesJson.Serialize(pod))!;
        Assert.Equal("v1", (string?)json["apiVersion"]);
        Assert.Equal("Pod", (string?)json["kind"]);
        Assert.Null(json["status"]);
        Assert.False(json["metadata"]!.AsObject().ContainsKey("uid"));
        var c = json["spec"]!["containers"]![0]!;
        Assert.Equal("metadata.name", (string?)c["env"]![0]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("1", (string?)c["resources"]!["limits"]!["nvidia.com/gpu"]);
        Assert.False(c.AsObject().ContainsKey("command"));
    }

    [Fact]
    public void Reads_a_server_pod_with_unknown_fields_and_terminated_state()
    {
        const string json = """
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","namespace":"default","uid":"u1","resourceVersion":"42",
             "creationTimestamp":"2026-11-22T06:24:07Z","managedFields":[{"manager":"x"}]},
             "spec":{"containers":[{"name":"trainer","image":"i","terminationMessagePath":"/dev/termination-log"}],
                     "dnsPolicy":"ClusterFirst","schedulerName":"default-scheduler","nodeName":"node-1"},
             "status":{"phase":"Failed","reason":"Evicted","startTime":"2026-11-22T06:24:08Z",
               "containerStatuses":[{"name":"trainer","ready":false,"restartCount":0,"image":"i",
                 "state":{"terminated":{"exitCode":137,"reason":"OOMKilled","message":"{\"ok\":false}",
                   "startedAt":"2026-11-22T06:24:08Z","finishedAt":"2026-11-22T06:25:00Z"}}}]}}
            """;
        var pod = KubernetesJson.Deserialize<Pod>(json);
        Assert.Equal("42", pod.Metadata.ResourceVersion);
        Assert.Equal("node-1", pod.Spec!.NodeName);
        var t = pod.Status!.ContainerStatuses![0].State!.Terminated!;
        Assert.Equal(137, t.ExitCode);
        Assert.Equal("OOMKilled", t.Reason);
        Assert.Equal("{\"ok\":false}", t.Message);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 6, 25, 0, TimeSpan.Zero), t.FinishedAt);
        Assert.Equal("Evicted", pod.Status.Reason);
    }

    [Fact]
    public void Lease_times_are_MicroTime_with_six_fractional_digits()
    {
        var at = new DateTimeOffset(2026, 11, 22, 6, 30, 2, TimeSpan.Zero).AddTicks(1234567);
        var lease = new Lease { Metadata = new ObjectMeta { Name = "l" }, Spec = new LeaseSpec { HolderIdentity = "a", RenewTime = at, LeaseDurationSeconds = 15 } };
        var json = JsonNode.Parse(KubernetesJson.Serialize(lease))!;
        Assert.Equal("2026-11-22T06:30:02.123456Z", (string?)json["spec"]!["renewTime"]);
        Assert.Null(json["spec"]!["acquireTime"]);
        var back = KubernetesJson.Deserialize<Lease>("""{"spec":{"renewTime":"2026-11-22T06:30:02.000000Z","acquireTime":null}}""");
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 6, 30, 2, TimeSpan.Zero), back.Spec!.RenewTime);
        Assert.Null(back.Spec.AcquireTime);
    }

    [Fact]
    public void Times_are_written_as_RFC3339_in_UTC()
    {
        var ev = new Event { FirstTimestamp = new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.FromHours(2)) };
        Assert.Equal("2026-11-22T06:00:00Z", (string?)JsonNode.Parse(KubernetesJson.Serialize(ev))!["firstTimestamp"]);
    }

    [Fact]
    public void Reads_the_recorded_conflict_and_invalid_status_bodies()
    {
        var conflict = KubernetesJson.Deserialize<Status>("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on finetunejobs.clustertune.io \"sweep-a\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"sweep-a","group":"clustertune.io","kind":"finetunejobs"},"code":409}""");
        Assert.Equal(("Failure", "Conflict", 409, "sweep-a"), (conflict.Outcome, conflict.Reason, conflict.Code, conflict.Details!.Name));
        var timeout = KubernetesJson.Deserialize<Status>("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Timeout: Too large resource version: 999999999, current: 398","reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1},"code":504}""");
        Assert.Equal(StatusReasons.ResourceVersionTooLarge, timeout.Details!.Causes![0].Reason);
        Assert.Equal(1, timeout.Details.RetryAfterSeconds);
    }

    [Fact]
    public void Parses_watch_lines_including_bookmarks_and_the_410_error_event()
    {
        var modified = KubernetesClient.ParseWatchLine<Pod>("""{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","resourceVersion":"89"}}}""");
        Assert.Equal(WatchEventType.Modified, modified.Type);
        Assert.Equal("89", modified.Object!.Metadata.ResourceVersion);
        var bookmark = KubernetesClient.ParseWatchLine<Pod>("""{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"91"}}}""");
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        var error = KubernetesClient.ParseWatchLine<Pod>("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"The resourceVersion for the provided watch is too old.","reason":"Expired","code":410}}""");
        Assert.True(error.IsExpired);
        Assert.Null(error.Object);
        var gone = KubernetesClient.ParseWatchLine<Pod>("""{"type":"ERROR","object":{"kind":"Status","reason":"Gone","code":410}}""");
        Assert.True(gone.IsExpired);
        Assert.Throws<System.Text.Json.JsonException>(() => KubernetesClient.ParseWatchLine<Pod>("""{"type":"WHAT","object":{}}"""));
    }

    [Fact]
    public void Resource_paths_follow_the_api_layout()
    {
        var reg = ResourceRegistry.CreateDefault();
        Assert.Equal("/api/v1/namespaces/default/pods/p/status", reg.Get<Pod>().ObjectPath("default", "p", "status"));
        Assert.Equal("/api/v1/pods", reg.Get<Pod>().CollectionPath(null));
        Assert.Equal("/apis/coordination.k8s.io/v1/namespaces/ns/leases", reg.Get<Lease>().CollectionPath("ns"));
        Assert.Equal("/api/v1/nodes/n1", reg.Get<Node>().ObjectPath("ignored", "n1"));
        Assert.Equal("coordination.k8s.io/v1", reg.Get<Lease>().ApiVersion);
        Assert.Equal("/apis/clustertune.io/v1alpha1/namespaces/ns/finetunejobs/j/status", reg.Get<ClusterTune.Api.V1Alpha1.FineTuneJob>().ObjectPath("ns", "j", "status"));
        Assert.True(reg.Get<ClusterTune.Api.V1Alpha1.Trial>().FullyModelled);
        Assert.False(reg.Get<Pod>().FullyModelled);
        Assert.Throws<ArgumentException>(() => reg.Get<Pod>().ObjectPath(null, "p"));
        var e = Assert.Throws<InvalidOperationException>(() => reg.Get<string>());
        Assert.Contains("Register<String>", e.Message);
    }
}
