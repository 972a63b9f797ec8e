using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// Issue 13 item 4 end to end (embedded API server, node agent, operator): whoever can read pods cannot forge a
/// trial's metrics, and a NaN point from whoever holds the token cannot fail the trial.
/// </summary>
public sealed class MetricForgeryScenarioTests
{
    [Fact]
    public async Task A_pod_reader_cannot_forge_points_and_a_NaN_point_does_not_fail_the_trial()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("forge", [0.1], [0L], parallelism: 1, epochs: 3, epochSeconds: 20));
        V1Pod? pod = null;
        await h.WaitUntilAsync(async () => (pod = (await h.PodsAsync("forge")).FirstOrDefault(p => p.Status?.Phase == "Running")) is not null, "the trial pod to run");
        var trial = (await h.TrialsAsync("forge")).Single();

        // Everything a reader of pods sees: the spec and its annotations, but not the token.
        var secret = await h.Client.GetAsync<V1Secret>(PodTemplate.TokenSecretName(pod!.Metadata.Name!), "default");
        var token = await h.TokenOfAsync(pod);
        Assert.DoesNotContain(token, KubernetesJson.Serialize(pod), StringComparison.Ordinal);
        Assert.Equal("clustertune", secret.Metadata.Labels![LabelKeys.ManagedBy]);
        Assert.Equal(trial.Metadata.Uid, secret.Metadata.OwnerReferences!.Single().Uid);

        using var http = new HttpClient { BaseAddress = h.Operator!.Address };
        var accuracy = (MetricNames.EvalMetric, (string?)"accuracy", "0.5");
        var epoch = (MetricNames.TrainEpoch, (string?)null, "1");
        foreach (var guess in new[] { pod.Metadata.Annotations![AnnotationKeys.TokenSha256], secret.Metadata.Uid!, "" })
        {
            var forged = await SweepHarness.PostOtlpAsync(http, SweepHarness.OtlpJson(pod, trial, epoch, (MetricNames.EvalMetric, "accuracy", "0.99")), guess);
            Assert.Equal((HttpStatusCode.OK, 2L), (forged.Status, forged.Rejected));
            Assert.Contains(TrialEnv.TokenHeader, forged.Message);
        }

        // The holder of the token sends a finite objective and a NaN one: the NaN is rejected as a point.
        var sent = await SweepHarness.PostOtlpAsync(http, SweepHarness.OtlpJson(pod, trial, epoch, accuracy, (MetricNames.TrainLoss, null, "NaN")), token);
        Assert.Equal((HttpStatusCode.OK, 1L), (sent.Status, sent.Rejected));
        Assert.Contains("not finite", sent.Message);

        Trial? seen = null;
        await h.WaitUntilAsync(async () => (seen = await h.Client.GetAsync<Trial>(trial.Metadata.Name!, "default")).Status?.Objective is not null, "the objective to reach the trial's status");
        Assert.Equal(0.5, seen!.Status!.Objective);
        Assert.NotEqual(TrialPhase.Failed, seen.Status.Phase);
        Assert.NotEqual(TrialReasons.InvalidObjective, seen.Status.Reason);
    }

    [Fact]
    public async Task Metrics_need_the_bearer_token_when_the_operator_has_one()
    {
        await using var h = await SweepHarness.StartAsync();
        var tokenFile = Path.Combine(h.Dir, "metrics-token");
        await File.WriteAllTextAsync(tokenFile, "scrape-me\n");
        h.ConfigureOperator = o => o with { MetricsTokenFile = tokenFile };
        await h.StartOperatorAsync();
        using var http = new HttpClient { BaseAddress = h.Operator!.Address };

        async Task<HttpStatusCode> Scrape(string? bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Scrape(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Scrape("wrong"));
        Assert.Equal(HttpStatusCode.OK, await Scrape("scrape-me"));
        // A rotated Secret applies without a restart.
        await File.WriteAllTextAsync(tokenFile, "rotated");
        Assert.Equal(HttpStatusCode.Unauthorized, await Scrape("scrape-me"));
        Assert.Equal(HttpStatusCode.OK, await Scrape("rotated"));
        // Health stays open for the kubelet's probes.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
    }
}
