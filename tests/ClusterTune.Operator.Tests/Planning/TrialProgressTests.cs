using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>
/// A status that only mirrors the pod (the first attempt's Pending, any attempt's Running) is progress: written alone
/// only once it has lasted the progress interval, carried by the trial's next write before that. Decisions and ends
/// are written at once, and carry what was waiting.
/// </summary>
public sealed class TrialProgressTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Now = At(5);
    private static readonly string Pod1 = ResourceNames.Pod(JobName, 0, 1);

    private static V1Pod Created(V1Pod pod, double secondsAgo)
    {
        pod.Metadata.CreationTimestamp = Now.AddSeconds(-secondsAgo).UtcDateTime;
        return pod;
    }

    private static TrialPlan Plan(TrialStatus? stored, params V1Pod[] pods) =>
        TrialPlanner.Plan(new TrialPlanInput(Trial(0, stored), Spec(), false, false, pods, Now, TimeSpan.FromMinutes(5)) { ProgressInterval = Interval });

    public static TheoryData<string, TrialStatus?, V1Pod[], TrialPhase?, TrialPhase?, double?> Cases() => new()
    {
        // case, stored status, pods, phase written now, phase carried (not written), requeue (s)
        { "a fresh trial creates its pod; Pending waits", null, [], null, TrialPhase.Pending, 10 },
        { "its pod waits 3 s: Pending adopted, still waiting", null, [Created(Waiting(1), 3)], null, TrialPhase.Pending, 7 },
        { "its pod waits 12 s: Pending is written", null, [Created(Waiting(1), 12)], TrialPhase.Pending, null, null },
        { "its pod runs 4 s: Running waits", null, [Running(1, Now.AddSeconds(-4))], null, TrialPhase.Running, 6 },
        { "its pod runs 11 s: Running is written", null, [Running(1, Now.AddSeconds(-11))], TrialPhase.Running, null, null },
        { "written Pending, pod runs 2 s: Running waits", Status(TrialPhase.Pending, reason: TrialReasons.PodCreated), [Running(1, Now.AddSeconds(-2))], null, TrialPhase.Running, 8 },
        { "a short attempt ends: one write, the end", null, [Terminated(1, 0, message: Result(objective: 0.9), started: Now.AddSeconds(-9), finished: Now.AddSeconds(-1))], TrialPhase.Succeeded, null, null },
        { "a retry's pod starting is news: written at once", Status(TrialPhase.Pending, attempts: 2, reason: TrialReasons.Evicted), [Running(2, Now.AddSeconds(-1))], TrialPhase.Running, null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mirrored_status_waits_for_the_interval_or_the_next_write(string name, TrialStatus? stored, V1Pod[] pods, TrialPhase? written, TrialPhase? carried, double? requeueSeconds)
    {
        var plan = Plan(stored, pods);

        Assert.True(written == plan.Status?.Phase, $"{name}: wrote {plan.Status?.Phase}");
        Assert.True(carried == plan.Progress?.Phase, $"{name}: carried {plan.Progress?.Phase}");
        if (requeueSeconds is { } r)
        {
            Assert.Equal(TimeSpan.FromSeconds(r), plan.RequeueAfter);
        }
    }

    [Fact]
    public void What_waits_is_the_whole_attempt_record_so_the_pod_it_creates_and_the_write_that_carries_it_lose_nothing()
    {
        var fresh = Plan(null);
        Assert.Equal(1, fresh.CreatePodAttempt);
        Assert.Equal((1, Pod1, TrialReasons.PodCreated), (fresh.Progress!.Attempts, fresh.Progress.PodName, fresh.Progress.Reason));

        // The pod ended before anything was written: its end carries the attempt, the pod and the start.
        var end = Plan(null, Terminated(1, 0, message: Result(objective: 0.9), started: Now.AddSeconds(-9), finished: Now.AddSeconds(-1))).Status!;
        Assert.Equal((1, Pod1, Now.AddSeconds(-9)), (end.Attempts, end.PodName, end.StartTime));
        Assert.Equal(0.9, end.Objective);
    }

    [Fact]
    public void Without_an_interval_every_change_is_written_at_once()
    {
        var plan = TrialPlanner.Plan(new TrialPlanInput(Trial(0), Spec(), false, false, [], Now, TimeSpan.FromMinutes(5)));

        Assert.Equal(TrialPhase.Pending, plan.Status!.Phase);
        Assert.Null(plan.Progress);
    }

    [Fact]
    public void A_decision_writes_at_once_and_carries_the_attempt()
    {
        var stopped = TrialPlanner.Plan(new TrialPlanInput(Trial(0, stop: true), Spec(), false, false, [Running(1, Now.AddSeconds(-4))], Now, TimeSpan.FromMinutes(5))
        {
            ProgressInterval = Interval,
        });

        Assert.Equal(Pod1, stopped.DeletePod);
        Assert.Equal((TrialPhase.Running, 1, Pod1), (stopped.Status!.Phase, stopped.Status.Attempts, stopped.Status.PodName));
    }
}
