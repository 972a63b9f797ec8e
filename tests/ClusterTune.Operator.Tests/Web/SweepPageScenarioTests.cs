using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Tests.Scenarios;

namespace ClusterTune.Operator.Tests.Web;

/// <summary>The operator's /ui/ over real HTTP after a real sweep (embedded API server, node agent, contract trainer).</summary>
public sealed class SweepPageScenarioTests
{
    [Fact]
    public async Task The_page_json_shows_every_trial_and_needs_the_metrics_token_when_the_operator_has_one()
    {
        await using var h = await SweepHarness.StartAsync();
        var tokenFile = Path.Combine(h.Dir, "metrics-token");
        await File.WriteAllTextAsync(tokenFile, "look-at-me\n");
        h.ConfigureOperator = o => o with { MetricsTokenFile = tokenFile };
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("page", SweepHarness.GridLrFactors, SweepHarness.GridFreezeDepths));
        var job = await h.WaitForJobAsync("page", SweepHarness.Finished, TimeSpan.FromSeconds(120));
        using var http = new HttpClient { BaseAddress = h.Operator!.Address };

        async Task<(HttpStatusCode Status, string Body)> Get(string path, string? bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // The shell and its assets hold no data and are open; the data needs the same token as /metrics.
        var shell = await Get("ui/", null);
        Assert.Equal(HttpStatusCode.OK, shell.Status);
        Assert.Contains("<script src=\"app.js\">", shell.Body);
        Assert.Equal(HttpStatusCode.OK, (await Get("ui/app.js", null)).Status);
        using (var noSlash = await http.GetAsync("ui?sweep=default/page"))
        {
            Assert.Equal("/ui/?sweep=default/page", noSlash.RequestMessage!.RequestUri!.PathAndQuery);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("ui/api/sweeps", null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get("ui/api/sweeps/default/page", "wrong")).Status);

        var list = await Get("ui/api/sweeps", "look-at-me");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var row = Assert.Single(JsonDocument.Parse(list.Body).RootElement.EnumerateArray());
        Assert.Equal("page", row.GetProperty("name").GetString());
        Assert.Equal("Succeeded", row.GetProperty("phase").GetString());

        var detail = await Get("ui/api/sweeps/default/page", "look-at-me");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        var d = JsonDocument.Parse(detail.Body).RootElement;
        var trials = d.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(6, trials.Count);
        // Every trial's curve ends at its objective after epoch 3 (the contract trainer sends no OTLP, so its result is
        // the only observation; per-epoch curves from the real trainer: ClusterTune.Cli.Tests' SweepPageBrowserTests).
        Assert.All(trials, t =>
        {
            var curve = t.GetProperty("curve").EnumerateArray().ToList();
            Assert.Equal(3, curve[^1].GetProperty("epoch").GetInt32());
            Assert.Equal(t.GetProperty("objective").GetDouble(), curve[^1].GetProperty("value").GetDouble(), 9);
        });
        Assert.Equal(job.Status!.BestTrial!.Name, d.GetProperty("best").GetProperty("name").GetString());
        Assert.Equal(job.Status.BestTrial.PromotedUri, d.GetProperty("best").GetProperty("promotedUri").GetString());
        // The contract trainer's objective moves with lrFactor (±0.25) far more than with freezeDepth (0.01).
        var importance = d.GetProperty("importance").EnumerateArray().ToList();
        Assert.Equal(6, d.GetProperty("importanceTrials").GetInt32());
        Assert.Equal("lrFactor", importance[0].GetProperty("parameter").GetString());
        Assert.True(importance[0].GetProperty("importance").GetDouble() > 0.9, detail.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await Get("ui/api/sweeps/default/absent", "look-at-me")).Status);
    }
}
