using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class StatusProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static FineTuneJobStatus Base() => new()
    {
        ObservedGeneration = 1,
        Phase = FineTuneJobPhase.Running,
        Conditions = [new V1Condition { Type = ConditionTypes.Running, Status = "True", Reason = ConditionReasons.TrialsRunning, Message = "1 trial(s) running" }],
        Trials = new TrialCounts { Running = 1, Succeeded = 2, Total = 3 },
        BestTrial = new BestTrial { Name = "sweep-1", Objective = 0.8, CheckpointUri = "file:///c/sweep-1/best" },
        GpuSecondsUsed = 100,
        Message = "Running: 2 succeeded, 1 running of 3",
    };

    /// <summary>Rows: case, change to the desired status, seconds since the last write (null: none by this process), deferred?</summary>
    public static TheoryData<string, Action<FineTuneJobStatus>, double?, bool> Rows() => new()
    {
        { "counts only, written 2 s ago", s => { s.Trials!.Running = 2; s.Trials.Total = 4; }, 2, true },
        { "counts, GPU time, messages", s => { s.Trials!.Running = 2; s.GpuSecondsUsed = 130; s.Message = "x"; s.Conditions![0].Message = "2 trial(s) running"; }, 2, true },
        { "the best trial's numbers improve", s => { s.BestTrial!.Objective = 0.85; s.BestTrial.CheckpointUri = "file:///c/sweep-1/best2"; }, 9.9, true },
        { "counts only, but the last write was 10 s ago", s => s.Trials!.Running = 2, 10, false },
        { "counts only, no write known (a restart)", s => s.Trials!.Running = 2, null, false },
        { "a new best trial", s => s.BestTrial = new BestTrial { Name = "sweep-3", Objective = 0.9 }, 1, false },
        { "the phase", s => s.Phase = FineTuneJobPhase.Succeeded, 1, false },
        { "a condition's reason", s => s.Conditions![0].Reason = ConditionReasons.WaitingForTrials, 1, false },
        { "a promotion", s => s.BestTrial!.PromotedUri = "file:///c/best", 1, false },
        { "the observed generation (a spec edit)", s => s.ObservedGeneration = 2, 1, false },
        { "a notification record", s => s.Notifications = [new NotificationStatus { Event = NotifyEvent.Succeeded, DeliveryId = "d1" }], 1, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Progress_waits_for_the_interval_and_anything_else_is_written_at_once(string @case, Action<FineTuneJobStatus> change, double? sinceWrite, bool deferred)
    {
        var current = Base();
        var desired = Base();
        change(desired);
        var now = T0.AddSeconds(30);
        DateTimeOffset? last = sinceWrite is { } s ? now.AddSeconds(-s) : null;

        var due = StatusProgress.DeferUntil(current, desired, last, now, Interval);

        Assert.True(deferred == due.HasValue, @case);
        if (deferred)
        {
            Assert.Equal(last!.Value + Interval, due);
        }
    }

    [Fact]
    public void A_job_without_status_is_written_at_once()
    {
        Assert.Null(StatusProgress.DeferUntil(null, Base(), T0, T0.AddSeconds(1), Interval));
    }
}
