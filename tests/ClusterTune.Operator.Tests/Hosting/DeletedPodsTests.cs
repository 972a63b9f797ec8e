using ClusterTune.Operator.Controllers;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>DeletedPods keeps the final state of ended pods only, for a bounded age and count.</summary>
public sealed class DeletedPodsTests
{
    public static TheoryData<string, bool> Pods => new()
    {
        { "terminated with a result", true },
        { "failed without a container status", true },
        { "running (force-deleted: its end never comes)", false },
        { "waiting", false },
    };

    private static V1Pod PodIn(string state) => state switch
    {
        "terminated with a result" => Terminated(1, 143, message: """{"status":"stopped","epoch":1}"""),
        "failed without a container status" => WithPhase(Pod(1), "Failed"),
        "running (force-deleted: its end never comes)" => Running(1, T0),
        _ => Waiting(1),
    };

    private static V1Pod WithPhase(V1Pod p, string phase)
    {
        p.Status!.Phase = phase;
        return p;
    }

    [Theory]
    [MemberData(nameof(Pods))]
    public void Keeps_only_pods_whose_final_state_holds_their_end(string state, bool kept)
    {
        var deleted = new DeletedPods(new FakeTimeProvider(T0));
        var pod = PodIn(state);
        deleted.Add(pod);
        Assert.Equal(kept, deleted.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name!) is not null);
    }

    [Fact]
    public void Forgets_a_pod_after_the_age_limit()
    {
        var time = new FakeTimeProvider(T0);
        var deleted = new DeletedPods(time, maxAge: TimeSpan.FromMinutes(10));
        var pod = Terminated(1, 0);
        deleted.Add(pod);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.NotNull(deleted.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name!));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(deleted.Get(pod.Metadata.NamespaceProperty, pod.Metadata.Name!));
    }

    [Fact]
    public void Over_capacity_it_drops_the_oldest_down_to_90_percent_at_once()
    {
        var time = new FakeTimeProvider(T0);
        var deleted = new DeletedPods(time, capacity: 100);
        for (var i = 0; i < 100; i++)
        {
            deleted.Add(Named(Terminated(1, 0), $"p{i}"));
            time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(100, deleted.Count);

        deleted.Add(Named(Terminated(1, 0), "p100"));

        Assert.Equal(90, deleted.Count);
        Assert.Null(deleted.Get(Ns, "p10")); // the 11 oldest went
        Assert.NotNull(deleted.Get(Ns, "p11"));
        Assert.NotNull(deleted.Get(Ns, "p100"));
        // The next adds are room already made: no sort until it is full again.
        for (var i = 101; i < 111; i++)
        {
            deleted.Add(Named(Terminated(1, 0), $"p{i}"));
        }
        Assert.Equal(100, deleted.Count);
        Assert.NotNull(deleted.Get(Ns, "p11"));
    }

    private static V1Pod Named(V1Pod p, string name)
    {
        p.Metadata.Name = name;
        return p;
    }
}
