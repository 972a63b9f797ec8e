using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// spec.notify end to end: a local sweep on the embedded API server notifies a real local HTTP receiver. The body
/// names the job and its best trial, the signature verifies with the Secret's key, a receiver that fails twice gets
/// the same delivery a third time and exactly one success, and a restarted operator sends nothing again.
/// </summary>
public sealed class NotificationScenarioTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("k3y-for-hmac");

    [Fact]
    public async Task A_finished_sweep_is_notified_once_per_event_signed_and_retried_through_failures()
    {
        await using var receiver = new WebhookReceiver((path, n) => path == "flaky" && n <= 2 ? 503 : 200);
        // Another test's client that still retries this port (free a moment ago) gets a 404 and is not recorded.
        using (var http = new HttpClient())
        using (var stray = await http.PostAsync($"http://127.0.0.1:{receiver.Port}/v1/metrics", new ByteArrayContent([1, 2, 3])))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, stray.StatusCode);
            Assert.Empty(receiver.Requests);
        }

        await using var h = await SweepHarness.StartAsync();
        h.ConfigureOperator = o => o with
        {
            AllowedSecrets = ["default/hook"],
            NotificationRetry = new NotificationRetry(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), 5, TimeSpan.FromSeconds(5)),
        };
        await h.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "hook", NamespaceProperty = "default" }, Data = new Dictionary<string, byte[]> { ["hmac"] = Key } }, "default");
        await h.StartOperatorAsync();
        // Four settings, two trials allowed: the sweep succeeds and its trial budget is exhausted.
        var job = SweepHarness.GridJob("notified", [0.1, 1.0], [0, 1]);
        job.Spec.Budget = new BudgetSpec { MaxTrials = 2, Parallelism = 2 };
        job.Spec.Notify =
        [
            new NotifySpec { Url = receiver.Url("flaky"), On = [NotifyEvent.Succeeded, NotifyEvent.Failed], SecretRef = new V1SecretKeySelector { Name = "hook", Key = "hmac" } },
            new NotifySpec { Url = receiver.Url("plain"), On = [NotifyEvent.BudgetExhausted] },
        ];
        await h.Client.CreateAsync(job);
        // A job naming a Secret the operator does not allow fails validation; its Failed event is not sent, and never
        // unsigned: the Secret is not even read.
        var refused = SweepHarness.GridJob("refused", [0.1], [0]);
        refused.Spec.Notify = [new NotifySpec { Url = receiver.Url("refused"), On = [NotifyEvent.Failed], SecretRef = new V1SecretKeySelector { Name = "not-allowed", Key = "hmac" } }];
        await h.Client.CreateAsync(refused);

        var done = await h.WaitForJobAsync("notified", j => SweepHarness.Finished(j) && j.Status!.Notifications is { Count: 2 } n && n.All(r => r.LastDelivered is not null), TimeSpan.FromSeconds(90));
        Assert.Equal(FineTuneJobPhase.Succeeded, done.Status!.Phase);
        Assert.True(Conditions.IsTrue(done.Status.Conditions, ConditionTypes.BudgetExhausted));

        var flaky = receiver.Requests.Where(r => r.Path == "flaky").ToList();
        Assert.Equal([503, 503, 200], flaky.Select(r => r.Answer));
        Assert.Single(flaky.Select(r => r.Headers[NotificationPayload.DeliveryHeader]).Distinct());
        foreach (var r in flaky)
        {
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, (byte[])[.. Encoding.ASCII.GetBytes(r.Headers[NotificationPayload.TimestampHeader] + "."), .. r.Body]));
            Assert.Equal(expected, r.Headers[NotificationPayload.SignatureHeader]);
            Assert.Equal("Succeeded", r.Headers[NotificationPayload.EventHeader]);
        }

        using (var body = JsonDocument.Parse(flaky[^1].Body))
        {
            var root = body.RootElement;
            Assert.Equal("Succeeded", root.GetProperty("event").GetString());
            Assert.Equal("Succeeded", root.GetProperty("phase").GetString());
            Assert.Equal("notified", root.GetProperty("job").GetProperty("name").GetString());
            Assert.Equal(done.Metadata.Uid, root.GetProperty("job").GetProperty("uid").GetString());
            Assert.Equal(flaky[^1].Headers[NotificationPayload.DeliveryHeader], root.GetProperty("deliveryId").GetString());
            Assert.Equal(done.Status.BestTrial!.Name, root.GetProperty("bestTrial").GetProperty("name").GetString());
            Assert.Equal(done.Status.BestTrial.Objective!.Value, root.GetProperty("bestTrial").GetProperty("objective").GetDouble(), 9);
        }

        var plain = Assert.Single(receiver.Requests, r => r.Path == "plain");
        Assert.False(plain.Headers.ContainsKey(NotificationPayload.SignatureHeader));
        Assert.Equal("BudgetExhausted", JsonDocument.Parse(plain.Body).RootElement.GetProperty("event").GetString());

        var records = done.Status.Notifications!.OrderBy(r => r.Target).ToList();
        Assert.Equal((0, NotifyEvent.Succeeded, 3), (records[0].Target, records[0].Event, records[0].Attempts));
        Assert.Equal((1, NotifyEvent.BudgetExhausted, 1), (records[1].Target, records[1].Event, records[1].Attempts));
        Assert.All(records, r => Assert.Null(r.LastError));

        var events = (await h.Client.ListAllAsync<Corev1Event>("default")).Where(e => e.InvolvedObject.Name == "notified").ToList();
        Assert.Equal(2, events.Where(e => e.Reason == EventReasons.NotificationFailed).Sum(e => e.Count ?? 1));
        Assert.Equal(2, events.Where(e => e.Reason == EventReasons.NotificationDelivered).Sum(e => e.Count ?? 1));

        var failed = await h.WaitForJobAsync("refused", j => j.Status?.Notifications is [{ Abandoned: true }], TimeSpan.FromSeconds(30));
        Assert.Equal(FineTuneJobPhase.Failed, failed.Status!.Phase);
        Assert.Contains("--allow-secret default/not-allowed", failed.Status.Notifications![0].LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(receiver.Requests, r => r.Path == "refused");

        // A restarted operator rebuilds from the API: status.notifications says both were delivered, so nothing is resent.
        var sent = receiver.Requests.Count;
        await h.CrashOperatorAsync();
        await h.StartOperatorAsync();
        var restarted = h.Operator!;
        await h.WaitUntilAsync(() => Task.FromResult(restarted.Metrics.Reconciles.WithLabels("finetunejob", "success").Value >= 1), "the restarted operator reconciled the job");
        await Task.Delay(TimeSpan.FromSeconds(1)); // longer than every retry backoff of this test
        var resent = receiver.Requests.Skip(sent).Select(r => $"{r.Path} {r.Headers.GetValueOrDefault(NotificationPayload.EventHeader)} {r.Headers.GetValueOrDefault(NotificationPayload.DeliveryHeader)}").ToList();
        Assert.True(resent.Count == 0, $"sent again after the restart: {string.Join("; ", resent)}");
    }
}
