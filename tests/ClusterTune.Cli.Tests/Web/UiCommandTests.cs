using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Commands;
using ClusterTune.Cli.Tests.Inspection;
using ClusterTune.Kubernetes;

namespace ClusterTune.Cli.Tests.Web;

/// <summary>`ctune ui` against a cluster through a kubeconfig: the printed URL, its token, and the JSON it serves.</summary>
public sealed class UiCommandTests(InspectionClusterFixture cluster) : IClassFixture<InspectionClusterFixture>
{
    [Fact]
    public async Task Ui_prints_the_url_with_a_fresh_token_and_serves_the_namespace_sweeps_only_with_it()
    {
        var output = new LineWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = Dispatcher.RunAsync(["ui", "sweep-a", "--kubeconfig", cluster.Kubeconfig], output, TextWriter.Null, stop.Token);
        var line = await output.FirstLine.WaitAsync(TimeSpan.FromSeconds(30));
        var match = Regex.Match(line, @"^ctune ui: sweep page (http://127\.0\.0\.1:\d+)/ui/\?sweep=default/sweep-a#token=([0-9a-f]{32}) ");
        Assert.True(match.Success, line);
        using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/ui/api/sweeps")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", match.Groups[2].Value);
        using var list = JsonDocument.Parse(await http.GetStringAsync("/ui/api/sweeps"));
        Assert.Equal(["sweep-a", "sweep-b"], list.RootElement.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        using var detail = JsonDocument.Parse(await http.GetStringAsync("/ui/api/sweeps/default/sweep-a"));
        using var client = KubeConnection.Create(KubeConnection.ForServer(cluster.Server.BaseAddress));
        var trials = await client.ListAllAsync<Trial>("default", labelSelector: $"{LabelKeys.Job}=sweep-a");
        Assert.Equal(trials.Count, detail.RootElement.GetProperty("trials").GetArrayLength());
        Assert.Equal("sweep-a-2", detail.RootElement.GetProperty("best").GetProperty("name").GetString());
        // Another namespace's sweep is not served by a page opened on this one.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/ui/api/sweeps/team-a/sweep-c")).StatusCode);
        await stop.CancelAsync();
        Assert.Equal(0, await run);
    }

    // Hands out the first line written, for a command that keeps running after it.
    private sealed class LineWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> FirstLine => _first.Task;

        public override Task WriteLineAsync(string? value)
        {
            _first.TrySetResult(value ?? "");
            return base.WriteLineAsync(value);
        }
    }
}
