using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>spec.notify decisions: which events are reached, what is due, what an attempt's outcome does, the signature.</summary>
public sealed class NotificationPolicyTests
{
    private static readonly NotificationRetry Retry = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), 4, TimeSpan.FromSeconds(10));

    private static FineTuneJob NotifyJob(params NotifyEvent[] on) =>
        Job(s => s.Notify = [new NotifySpec { Url = "https://hooks.example.com/ct", On = [.. on] }]);

    private static FineTuneJobStatus StatusOf(FineTuneJobPhase? phase, bool budgetExhausted = false) => new()
    {
        Phase = phase,
        Conditions = budgetExhausted ? [new V1Condition { Type = ConditionTypes.BudgetExhausted, Status = "True", Reason = ConditionReasons.MaxTrialsReached }] : null,
    };

    [Theory]
    [InlineData(FineTuneJobPhase.Running, false, "")]
    [InlineData(FineTuneJobPhase.Succeeded, false, "Succeeded")]
    [InlineData(FineTuneJobPhase.Succeeded, true, "Succeeded,BudgetExhausted")]
    [InlineData(FineTuneJobPhase.Failed, false, "Failed")]
    [InlineData(FineTuneJobPhase.Failed, true, "Failed,BudgetExhausted")]
    [InlineData(FineTuneJobPhase.Suspended, false, "")]
    public void Reached_events_follow_phase_and_budget_condition(FineTuneJobPhase phase, bool budget, string expected) =>
        Assert.Equal(expected, string.Join(",", NotificationPolicy.Reached(StatusOf(phase, budget))));

    [Fact]
    public void A_reached_listed_event_is_due_now_and_an_unlisted_or_unreached_one_is_not()
    {
        var plan = NotificationPolicy.Plan(NotifyJob(NotifyEvent.Succeeded, NotifyEvent.BudgetExhausted, NotifyEvent.Failed), StatusOf(FineTuneJobPhase.Succeeded), T0);
        var due = Assert.Single(plan.Due);
        Assert.Equal(NotifyEvent.Succeeded, due.Event);
        Assert.Equal(0, due.Attempts);
        Assert.Single(plan.Records);
        Assert.Null(plan.NextAttemptIn);

        Assert.Empty(NotificationPolicy.Plan(NotifyJob(NotifyEvent.Failed), StatusOf(FineTuneJobPhase.Succeeded), T0).Records);
        Assert.Empty(NotificationPolicy.Plan(NotifyJob(NotifyEvent.Succeeded), StatusOf(FineTuneJobPhase.Running), T0).Records);
    }

    [Fact]
    public void Delivered_abandoned_and_waiting_records_are_kept_but_not_due()
    {
        var job = Job(s => s.Notify =
        [
            new NotifySpec { Url = "https://a.example.com/", On = [NotifyEvent.Succeeded] },
            new NotifySpec { Url = "https://b.example.com/", On = [NotifyEvent.Succeeded] },
            new NotifySpec { Url = "https://c.example.com/", On = [NotifyEvent.Succeeded] },
            new NotifySpec { Url = "https://d.example.com/", On = [NotifyEvent.Succeeded] },
        ]);
        var status = StatusOf(FineTuneJobPhase.Succeeded);
        status.Notifications =
        [
            new NotificationStatus { Target = 0, Url = "https://a.example.com/", Event = NotifyEvent.Succeeded, DeliveryId = "a", Attempts = 1, LastDelivered = T0 },
            new NotificationStatus { Target = 1, Url = "https://b.example.com/", Event = NotifyEvent.Succeeded, DeliveryId = "b", Attempts = 4, Abandoned = true },
            new NotificationStatus { Target = 2, Url = "https://c.example.com/", Event = NotifyEvent.Succeeded, DeliveryId = "c", Attempts = 1, NextAttempt = T0.AddSeconds(7) },
            // Target 3's URL changed since this record: a new target, so the old record goes and a new delivery starts.
            new NotificationStatus { Target = 3, Url = "https://old.example.com/", Event = NotifyEvent.Succeeded, DeliveryId = "old", Attempts = 1, LastDelivered = T0 },
        ];
        var plan = NotificationPolicy.Plan(job, status, T0);
        Assert.Equal(["a", "b", "c", NotificationPolicy.DeliveryId(JobUid, 3, "https://d.example.com/", NotifyEvent.Succeeded)], plan.Records.Select(r => r.DeliveryId));
        Assert.Equal("https://d.example.com/", Assert.Single(plan.Due).Url);
        Assert.Equal(TimeSpan.FromSeconds(7), plan.NextAttemptIn);
        Assert.Equal("c", Assert.Single(NotificationPolicy.Plan(job, status, T0.AddSeconds(7)).Due, r => r.Attempts > 0).DeliveryId);
    }

    [Fact]
    public void An_outcome_the_status_read_does_not_show_yet_wins_so_a_stale_read_does_not_resend()
    {
        var job = NotifyJob(NotifyEvent.Succeeded);
        var status = StatusOf(FineTuneJobPhase.Succeeded);
        var first = NotificationPolicy.Plan(job, status, T0).Due[0];
        var delivered = NotificationPolicy.AfterAttempt(first, 200, null, T0, Retry);
        var later = new Dictionary<string, NotificationStatus> { [delivered.DeliveryId] = delivered };
        // The cache has not seen the write that recorded the delivery: without `later` the event would be due again.
        Assert.Single(NotificationPolicy.Plan(job, status, T0.AddSeconds(1)).Due);
        var plan = NotificationPolicy.Plan(job, status, T0.AddSeconds(1), later);
        Assert.Empty(plan.Due);
        Assert.Equal(T0, Assert.Single(plan.Records).LastDelivered);
        // A status read that shows more attempts than the remembered outcome is newer and wins.
        status.Notifications = [NotificationPolicy.AfterAttempt(NotificationPolicy.AfterAttempt(first, 503, null, T0, Retry), 503, null, T0, Retry)];
        Assert.Equal(2, Assert.Single(NotificationPolicy.Plan(job, status, T0, later).Records).Attempts);
    }

    [Fact]
    public void A_target_with_an_invalid_url_is_never_planned()
    {
        var job = Job(s => s.Notify = [new NotifySpec { Url = "hooks/relative", On = [NotifyEvent.Failed] }, new NotifySpec { Url = "ftp://x/", On = [NotifyEvent.Failed] }]);
        Assert.Empty(NotificationPolicy.Plan(job, StatusOf(FineTuneJobPhase.Failed), T0).Records);
    }

    [Fact]
    public void Delivery_ids_are_stable_per_job_target_url_and_event_and_differ_otherwise()
    {
        var id = NotificationPolicy.DeliveryId("u1", 0, "https://x/", NotifyEvent.Succeeded);
        Assert.Equal(id, NotificationPolicy.DeliveryId("u1", 0, "https://x/", NotifyEvent.Succeeded));
        Assert.Equal(32, id.Length);
        string[] others =
        [
            NotificationPolicy.DeliveryId("u2", 0, "https://x/", NotifyEvent.Succeeded),
            NotificationPolicy.DeliveryId("u1", 1, "https://x/", NotifyEvent.Succeeded),
            NotificationPolicy.DeliveryId("u1", 0, "https://y/", NotifyEvent.Succeeded),
            NotificationPolicy.DeliveryId("u1", 0, "https://x/", NotifyEvent.BudgetExhausted),
        ];
        Assert.DoesNotContain(id, others);
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(408, true)]
    [InlineData(425, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(410, false)]
    public void Only_transient_answers_are_retried(int? code, bool retryable) => Assert.Equal(retryable, NotificationPolicy.Retryable(code));

    // attempts so far, answer → delivered, next attempt in seconds (null: none), abandoned
    [Theory]
    [InlineData(0, 200, true, null, false)]
    [InlineData(0, 204, true, null, false)]
    [InlineData(0, 503, false, 5.0, false)]
    [InlineData(1, 503, false, 10.0, false)]
    [InlineData(2, null, false, 20.0, false)]
    [InlineData(3, 500, false, null, true)] // the 4th attempt was the last
    [InlineData(0, 404, false, null, true)]
    [InlineData(2, 200, true, null, false)]
    public void An_attempt_delivers_schedules_a_retry_or_abandons(int attempts, int? code, bool delivered, double? retryIn, bool abandoned)
    {
        var before = new NotificationStatus { Target = 0, Url = "https://x/", Event = NotifyEvent.Failed, DeliveryId = "d", Attempts = attempts, NextAttempt = T0, LastError = "earlier" };
        var after = NotificationPolicy.AfterAttempt(before, code, code is null ? "connection refused" : null, T0, Retry);
        Assert.Equal(attempts + 1, after.Attempts);
        Assert.Equal("d", after.DeliveryId);
        Assert.Equal(T0, after.LastAttempt);
        Assert.Equal(delivered, after.LastDelivered == T0);
        Assert.Equal(retryIn, after.NextAttempt is { } n ? (n - T0).TotalSeconds : null);
        Assert.Equal(abandoned, after.Abandoned == true);
        Assert.Equal(delivered, after.LastError is null);
        if (code is null)
        {
            Assert.Equal("connection refused", after.LastError);
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 30)]
    [InlineData(40, 30)]
    public void Backoff_doubles_up_to_the_cap(int attempts, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), Retry.Backoff(attempts));

    [Fact]
    public void The_signature_is_hmac_sha256_over_timestamp_dot_body()
    {
        var key = Encoding.UTF8.GetBytes("s3cret");
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("1700000000.{\"a\":1}")));
        Assert.Equal(expected, NotificationPolicy.Signature(key, 1700000000, body));
        Assert.NotEqual(expected, NotificationPolicy.Signature(key, 1700000001, body));
        Assert.NotEqual(expected, NotificationPolicy.Signature(Encoding.UTF8.GetBytes("other"), 1700000000, body));
    }

    [Fact]
    public void The_body_names_the_job_event_phase_best_trial_and_delivery()
    {
        var job = NotifyJob(NotifyEvent.Succeeded);
        var status = StatusOf(FineTuneJobPhase.Succeeded);
        status.BestTrial = new BestTrial { Name = "sweep-2", Index = 2, Objective = 0.91, Params = new() { ["lrFactor"] = 0.1 }, CheckpointUri = "/ckpt/a", PromotedUri = "/ckpt/best" };
        status.Trials = new TrialCounts { Succeeded = 3, Total = 3 };
        var record = NotificationPolicy.Plan(job, status, T0).Due[0];
        using var doc = JsonDocument.Parse(NotificationPayload.Body(job, FineTuneJobDefaults.Apply(job.Spec), status, record, T0));
        var root = doc.RootElement;
        Assert.Equal(record.DeliveryId, root.GetProperty("deliveryId").GetString());
        Assert.Equal("Succeeded", root.GetProperty("event").GetString());
        Assert.Equal("2026-11-22T06:00:00Z", root.GetProperty("timestamp").GetString());
        Assert.Equal(Ns, root.GetProperty("job").GetProperty("namespace").GetString());
        Assert.Equal(JobName, root.GetProperty("job").GetProperty("name").GetString());
        Assert.Equal(JobUid, root.GetProperty("job").GetProperty("uid").GetString());
        Assert.Equal("Succeeded", root.GetProperty("phase").GetString());
        Assert.Equal("accuracy", root.GetProperty("objective").GetProperty("metric").GetString());
        var best = root.GetProperty("bestTrial");
        Assert.Equal("sweep-2", best.GetProperty("name").GetString());
        Assert.Equal(0.91, best.GetProperty("objective").GetDouble());
        Assert.Equal(0.1, best.GetProperty("params").GetProperty("lrFactor").GetDouble());
        Assert.Equal("/ckpt/best", best.GetProperty("checkpointUri").GetString());
        Assert.Equal(3, root.GetProperty("trials").GetProperty("succeeded").GetInt32());
    }
}
