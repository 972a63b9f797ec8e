using System.Diagnostics;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Commands;
using ClusterTune.Cli.Local;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Web;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace ClusterTune.Cli.Tests.Web;

/// <summary>
/// The sweep page in headless chromium during and after a real local sweep (embedded API server, node agent, the
/// real trainer, operator): it follows the sweep live, shows every trial, and its curves and parallel coordinates
/// render with no console error; `ctune report` writes the same views as files.
/// </summary>
public sealed class SweepPageBrowserTests
{
    private const string Job = """
        apiVersion: clustertune.io/v1alpha1
        kind: FineTuneJob
        metadata: {name: page-sweep, namespace: default}
        spec:
          model: {baseCheckpointUri: "file:///var/cache/clustertune/models/clustertune-cnn-fashion/base"}
          dataset: {trainUri: "file:///var/cache/clustertune/data", labelsPerClass: 5}
          trainer:
            image: clustertune/trainer:dev
            epochs: 2
            env: [{name: CT_EVAL_LIMIT, value: "200"}, {name: CT_THREADS, value: "1"}]
          searchSpace:
            freezeDepth: {type: categorical, values: [1, 2]}
            lrFactor: {type: categorical, values: [0.01, 1.0]}
            loraRank: {type: categorical, values: [0]}
          algorithm: {name: grid}
          earlyStopping: {type: asha, minResource: 1, maxResource: 2, reductionFactor: 2}
          budget: {maxTrials: 4, parallelism: 2}
        """;

    [BrowserSweepFact]
    public async Task The_page_follows_a_real_sweep_live_and_draws_every_trial_and_the_report_writes_the_same_views()
    {
        var dir = Directory.CreateTempSubdirectory("ct-page-").FullName;
        LocalCluster? running = null;
        try
        {
            var cluster = running = await LocalCluster.StartAsync(Path.Combine(dir, "work"), LocalCluster.DefaultCacheDirectory, NullLoggerFactory.Instance, 2, CancellationToken.None);
            var job = JobFile.Parse(Job, "page-sweep.yaml");
            await cluster.Client.CreateAsync(job);
            await using var browser = await Browser.LaunchAsync();
            var page = await browser.OpenAsync(SweepPage.UrlOf(cluster.Operator.Address!, "default", "page-sweep"));

            // Opened before the sweep ends: the page must reach Succeeded by itself (polling), never reloaded.
            await page.WaitForSelectorAsync("#detail[data-phase]", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            var firstPhase = await page.GetAttributeAsync("#detail", "data-phase");
            Assert.NotEqual("Succeeded", firstPhase);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
            var final = await RunCommand.FollowAsync(cluster.Client, "page-sweep", "default", TextWriter.Null, timeout.Token);
            Assert.Equal(FineTuneJobPhase.Succeeded, final.Status!.Phase);
            var trials = (await cluster.Client.ListAllAsync<Trial>("default", labelSelector: $"{LabelKeys.Job}=page-sweep")).ToList();
            Assert.Equal(4, trials.Count);
            // The page's poll after the end is 10 s; its data-trials and phase update without a reload.
            await page.WaitForFunctionAsync("() => document.getElementById('detail').dataset.phase === 'Succeeded' && document.getElementById('best').textContent.includes('promoted: /')",
                null, new() { Timeout = 30_000 });
            // Points that arrive after a trial's last status write reach its status with the next flush, and the
            // page polls every 10 s after the end: compare once the page has caught up with the API's curves.
            for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(500))
            {
                trials = (await cluster.Client.ListAllAsync<Trial>("default", labelSelector: $"{LabelKeys.Job}=page-sweep")).ToList();
                // The phases too: a trial stopped just before the end may reach the page one poll after its curve; and a
                // late flush can turn a trial's one-point curve into a line after the page's last poll.
                if (await page.Locator("#curves path.curve").CountAsync() == trials.Count(t => t.Status?.Observations is { Count: > 0 })
                    && await page.Locator("#curves path.curve.stopped").CountAsync() == trials.Count(t => t.Status?.Phase == TrialPhase.EarlyStopped)
                    && await page.Locator("#curves path.curve[d*='L']").CountAsync() == trials.Count(t => t.Status?.Observations?.Select(o => o.Epoch).Distinct().Count() >= 2))
                {
                    break;
                }
            }
            await AssertShowsAsync(page, final, trials);
            Assert.Empty(browser.Errors);

            // The static export: the same views from disk (no server), and the charts as non-blank PNGs.
            var report = Path.Combine(dir, "report");
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await Dispatcher.RunAsync(["report", "page-sweep", "--out", report, "--kubeconfig", cluster.KubeconfigPath, "-n", "default"], output, error, CancellationToken.None);
            Assert.True(code == 0, $"{output}\n{error}");
            foreach (var png in new[] { "curves.png", "parallel.png", "importance.png", "burndown.png" })
            {
                var (colours, drawn) = Browser.Ink(await File.ReadAllBytesAsync(Path.Combine(report, png)));
                Assert.True(colours > 8 && drawn > 0.01, $"{png}: {colours} colours, {drawn:P1} drawn");
            }
            var exported = await browser.OpenAsync(new Uri(Path.Combine(report, "index.html")).AbsoluteUri);
            await AssertShowsAsync(exported, final, trials);
            Assert.Empty(browser.Errors);

            // After the run ended: `ctune report --work-dir` reads the stored objects with no operator running.
            running = null;
            await cluster.DisposeAsync();
            var stored = Path.Combine(dir, "stored");
            code = await Dispatcher.RunAsync(["report", "page-sweep", "--out", stored, "--work-dir", Path.Combine(dir, "work")], output, error, CancellationToken.None);
            Assert.True(code == 0, $"{output}\n{error}");
            using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stored, "sweep.json")));
            Assert.Equal(trials.Count, json.RootElement.GetProperty("trials").GetArrayLength());
            Assert.Equal("Succeeded", json.RootElement.GetProperty("summary").GetProperty("phase").GetString());
        }
        finally
        {
            if (running is not null)
            {
                await running.DisposeAsync();
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    // The page shows the sweep as the API does: one row and one curve per trial, the stopped ones dashed with a
    // mark, the rung, one parallel-coordinates line per trial with an objective, importance, and pixels drawn.
    private static async Task AssertShowsAsync(IPage page, FineTuneJob job, List<Trial> trials)
    {
        Assert.Equal("Succeeded", await page.GetAttributeAsync("#detail", "data-phase"));
        Assert.Equal(trials.Count, await page.Locator("tr.trial-row").CountAsync());
        var drawn = trials.Count(t => t.Status?.Observations is { Count: > 0 });
        Assert.Equal(drawn, await page.Locator("#curves path.curve").CountAsync());
        var stopped = trials.Count(t => t.Status?.Phase == TrialPhase.EarlyStopped);
        Assert.Equal(stopped, await page.Locator("#curves path.curve.stopped").CountAsync());
        Assert.Equal(stopped, await page.Locator("#curves .stop-mark").CountAsync());
        Assert.Equal(1, await page.Locator("#curves line.rung").CountAsync());
        // A trial observed at two epochs is a line, not a point (the trainer reports every epoch over OTLP).
        var lines = trials.Count(t => t.Status?.Observations?.Select(o => o.Epoch).Distinct().Count() >= 2);
        Assert.True(lines > 0, "no trial was observed at two epochs");
        Assert.Equal(lines, await page.Locator("#curves path.curve[d*='L']").CountAsync());
        Assert.Equal(trials.Count(t => t.Status?.Objective is not null), await page.Locator("#parallel path.pc-line").CountAsync());
        Assert.Equal(4, await page.Locator("#parallel g.pc-axis").CountAsync());
        Assert.Equal(3, await page.Locator("#importance .imp-row").CountAsync());
        Assert.Contains(job.Status!.BestTrial!.Name, await page.Locator("#best").TextContentAsync());
        foreach (var chart in new[] { "#curves svg", "#parallel svg" })
        {
            var (colours, ink) = Browser.Ink(await page.Locator(chart).ScreenshotAsync());
            Assert.True(colours > 8 && ink > 0.01, $"{chart}: {colours} colours, {ink:P1} drawn");
        }
    }
}
