using System.Text.Json;
using ClusterTune.Cli.Commands;

namespace ClusterTune.Cli.Tests.Inspection;

/// <summary>`ctune status|trials|best|logs|explain` end to end: the real dispatcher, a kubeconfig, the embedded API server over HTTP.</summary>
public sealed class InspectionCommandTests(InspectionClusterFixture cluster) : IClassFixture<InspectionClusterFixture>
{
    private async Task<(int Code, string Out, string Err)> CtuneAsync(params string[] args)
    {
        var all = args.Contains("--kubeconfig") ? args : [.. args, "--kubeconfig", cluster.Kubeconfig];
        using var @out = new StringWriter();
        using var err = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await Dispatcher.RunAsync(all, @out, err, timeout.Token);
        return (code, @out.ToString(), err.ToString());
    }

    [Fact]
    public async Task Status_lists_the_namespace_jobs()
    {
        var (code, @out, err) = await CtuneAsync("status");
        Assert.True(code == 0, err);
        var lines = @out.TrimEnd().Split('\n');
        Assert.Equal(["NAME", "PHASE", "BEST", "SUCCEEDED/TOTAL", "GPU-HOURS", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["sweep-a", "Running", "0.91", "1/4", "0.5/1.5"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]);
        Assert.Equal(["sweep-b", "Failed", "-", "0/0", "-"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Status_with_namespace_flag_lists_that_namespace()
    {
        var (code, @out, _) = await CtuneAsync("status", "-n", "team-a");
        Assert.Equal(0, code);
        Assert.Contains("sweep-c", @out);
        Assert.DoesNotContain("sweep-a", @out);

        (code, @out, _) = await CtuneAsync("status", "--namespace=empty");
        Assert.Equal(0, code);
        Assert.Equal("No FineTuneJobs in namespace empty.", @out.Trim());
    }

    [Fact]
    public async Task Status_of_a_job_shows_conditions_counts_best_budget_and_last_events()
    {
        var (code, @out, err) = await CtuneAsync("status", "sweep-a");
        Assert.True(code == 0, err);
        Assert.Contains("Phase:       Running", @out);
        Assert.Matches(@"Validated\s+True\s+SpecValid\s+20m\s+the spec is valid", @out);
        Assert.Matches(@"BudgetExhausted\s+False\s+WithinBudget", @out);
        Assert.Contains("Trials:      4 total: 1 pending, 1 running, 0 paused, 1 succeeded, 1 failed, 0 early-stopped", @out);
        Assert.Contains("Best:        sweep-a-2 accuracy=0.91 (freezeDepth=2, loraRank=4, lrFactor=0.1)", @out);
        Assert.Contains("Checkpoint:  file:///ckpt/default/sweep-a/best/model.safetensors", @out);
        Assert.Contains("trials     4 created of maxTrials 4", @out);
        Assert.Contains("GPU-hours  0.5 used, 1.5 left of maxGpuHours 2", @out);
        Assert.Matches(@"elapsed    30m\d+s of maxDuration 2h0m0s", @out);
        Assert.Contains("Events (last 10):", @out);
        Assert.Contains("job event #12", @out);
        Assert.Contains("job event #03", @out);
        Assert.DoesNotContain("job event #02", @out);
        Assert.DoesNotContain("happens to be called", @out);
        Assert.True(@out.IndexOf("#03", StringComparison.Ordinal) < @out.IndexOf("#12", StringComparison.Ordinal), "events are oldest first");
    }

    [Fact]
    public async Task Status_of_a_failed_job_exits_1_and_a_missing_job_names_it()
    {
        var (code, @out, _) = await CtuneAsync("status", "sweep-b");
        Assert.Equal(1, code);
        Assert.Contains("Phase:       Failed", @out);
        Assert.Contains("Events:      <none>", @out);

        (code, _, var err) = await CtuneAsync("status", "nope");
        Assert.Equal(1, code);
        Assert.Contains("FineTuneJob nope not found in namespace default", err);
    }

    [Fact]
    public async Task Trials_lists_one_row_per_trial()
    {
        var (code, @out, err) = await CtuneAsync("trials", "sweep-a");
        Assert.True(code == 0, err);
        var lines = @out.TrimEnd().Split('\n');
        Assert.Equal(["NAME", "PHASE", "EPOCH", "ACCURACY", "PARAMS", "ATTEMPTS", "REASON"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^sweep-a-0\s+Pending\s+0/3\s+-\s+freezeDepth=0, loraRank=4, lrFactor=0.1\s+1/3\s+PodCreated$", lines[1]);
        Assert.Matches(@"^sweep-a-1\s+Running\s+2/3\s+0.86\s", lines[2]);
        Assert.Matches(@"^sweep-a-2 \*\s+Succeeded\s+9/3\s+0.91\s", lines[3]);
        Assert.Matches(@"^sweep-a-3\s+Failed\s+1/3\s+-\s.*OutOfMemory$", lines[4]);
        Assert.Equal("* best trial", lines[5]);

        (code, _, err) = await CtuneAsync("trials", "nope");
        Assert.Equal(1, code);
        Assert.Contains("FineTuneJob nope not found", err);

        (code, @out, _) = await CtuneAsync("trials", "sweep-b");
        Assert.Equal(0, code);
        Assert.Contains("has no trials yet (phase Failed)", @out);
    }

    [Fact]
    public async Task Best_prints_text_and_json()
    {
        var (code, @out, err) = await CtuneAsync("best", "sweep-a");
        Assert.True(code == 0, err);
        Assert.Contains("best trial:  sweep-a-2 (index 2)", @out);
        Assert.Contains("objective:   accuracy=0.91 (maximize)", @out);
        Assert.Contains("params:      freezeDepth=2, loraRank=4, lrFactor=0.1", @out);
        Assert.Contains("promoted:    file:///ckpt/default/sweep-a/best/model.safetensors", @out);
        Assert.Contains("sha256:      9f86d081", @out);

        (code, @out, err) = await CtuneAsync("best", "sweep-a", "-o", "json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(@out);
        Assert.Equal("sweep-a-2", doc.RootElement.GetProperty("name").GetString());
        Assert.Equal(0.91, doc.RootElement.GetProperty("objective").GetDouble());
        Assert.Equal(4, doc.RootElement.GetProperty("params").GetProperty("loraRank").GetInt32());
        Assert.Equal("file:///ckpt/default/sweep-a/best/model.safetensors", doc.RootElement.GetProperty("promotedUri").GetString());
    }

    [Fact]
    public async Task Best_without_a_best_trial_exits_1_and_says_why()
    {
        var (code, @out, err) = await CtuneAsync("best", "sweep-b");
        Assert.Equal(1, code);
        Assert.Equal("", @out);
        Assert.Contains("FineTuneJob sweep-b has no best trial: its spec is invalid", err);

        (code, _, err) = await CtuneAsync("best", "sweep-c", "-n", "team-a");
        Assert.Equal(1, code);
        Assert.Contains("has no best trial yet: phase Pending, 0 of 0 trial(s) succeeded", err);

        (code, _, err) = await CtuneAsync("best", "sweep-a", "-o", "yaml");
        Assert.Equal(2, code);
        Assert.Contains("-o must be text or json, got 'yaml'", err);
    }

    [Fact]
    public async Task Logs_reads_the_current_pod_with_tail_attempt_and_follow()
    {
        var (code, @out, err) = await CtuneAsync("logs", "sweep-a-1");
        Assert.True(code == 0, err);
        Assert.Equal(InspectionClusterFixture.Log, @out);

        (code, @out, _) = await CtuneAsync("logs", "sweep-a-1", "--tail", "1", "--attempt", "1");
        Assert.Equal(0, code);
        Assert.Equal("epoch 2 accuracy 0.86\n", @out);

        (code, @out, _) = await CtuneAsync("logs", "sweep-a-1", "-f");
        Assert.Equal(0, code);
        Assert.Equal(InspectionClusterFixture.Log, @out);

        (code, _, err) = await CtuneAsync("logs", "sweep-a-1", "--attempt", "2");
        Assert.Equal(1, code);
        Assert.Contains("trial sweep-a-1 has had 1 attempt(s); pass --attempt 1..1", err);
    }

    [Fact]
    public async Task Logs_reports_missing_trials_pods_and_logs()
    {
        var (code, _, err) = await CtuneAsync("logs", "sweep-a-9");
        Assert.Equal(1, code);
        Assert.Contains("Trial sweep-a-9 not found in namespace default; list the trials of a job with `ctune trials sweep-a`", err);

        (code, _, err) = await CtuneAsync("logs", "sweep-a-0");
        Assert.Equal(1, code);
        Assert.Contains("no logs for pod sweep-a-0-1 of trial sweep-a-0", err);

        (code, _, err) = await CtuneAsync("logs", "sweep-a-2");
        Assert.Equal(1, code);
        Assert.Contains("pod sweep-a-2-1 of trial sweep-a-2 no longer exists", err);

        (code, _, err) = await CtuneAsync("logs", "sweep-a-1", "--tail", "many");
        Assert.Equal(2, code);
        Assert.Contains("--tail must be a whole number ≥ 0, got 'many'", err);
    }

    [Fact]
    public async Task Explain_a_job_names_every_blocked_trial()
    {
        var (code, @out, err) = await CtuneAsync("explain", "sweep-a");
        Assert.True(code == 0, err);
        Assert.Contains($"trial sweep-a-0 is Pending: pod sweep-a-0-1 cannot be scheduled (Unschedulable): {InspectionClusterFixture.GpuMessage}", @out);
        Assert.Contains("no node has 1 free nvidia.com/gpu", @out);
        Assert.Matches(@"trial sweep-a-1 is Running but has sent no metrics for 1[45]m", @out);
        Assert.Contains("trial sweep-a-3 failed (OutOfMemory)", @out);
        Assert.Contains("raise spec.trainer.resources.limits.memory (now 4Gi)", @out);
        Assert.Contains("1 trial(s) succeeded", @out);
    }

    [Fact]
    public async Task Explain_a_trial_or_an_invalid_job()
    {
        var (code, @out, err) = await CtuneAsync("explain", "sweep-a-0");
        Assert.True(code == 0, err);
        Assert.Contains("cannot be scheduled", @out);
        Assert.DoesNotContain("sweep-a-3", @out);

        (code, @out, _) = await CtuneAsync("explain", "sweep-a-3");
        Assert.Equal(1, code);
        Assert.Contains("trial sweep-a-3 failed (OutOfMemory)", @out);

        (code, @out, _) = await CtuneAsync("explain", "sweep-b");
        Assert.Equal(1, code);
        var lines = @out.TrimEnd().Split('\n');
        Assert.Contains("spec is invalid (Validated=False, SpecInvalid)", lines[0]);
        Assert.Equal("  spec.searchSpace.lrFactor.min: must be > 0 for log scale, got 0; set min to a positive value such as 0.001, or use scale: linear", lines[1]);
        Assert.Equal("  spec.earlyStopping.minResource: only applies to asha or hyperband; set earlyStopping.type: asha or remove minResource", lines[2]);

        (code, _, err) = await CtuneAsync("explain", "nope");
        Assert.Equal(1, code);
        Assert.Contains("no FineTuneJob or Trial named nope in namespace default", err);
    }

    [Theory]
    [InlineData("status --bogus", "ctune status: unknown flag --bogus")]
    [InlineData("status a b", "expected at most one JOB, got a b")]
    [InlineData("trials", "ctune trials: missing JOB")]
    [InlineData("best", "ctune best: missing JOB")]
    [InlineData("logs", "ctune logs: missing TRIAL")]
    [InlineData("logs t --attempt 0", "--attempt must be a whole number ≥ 1, got '0'")]
    [InlineData("explain", "ctune explain: missing JOB or TRIAL")]
    [InlineData("status -n", "-n needs a value")]
    [InlineData("status --context nope", "--context: kubeconfig context 'nope' not found; known: clustertune-embedded")]
    public async Task Bad_usage_exits_2_and_names_the_flag(string command, string expected)
    {
        var (code, @out, err) = await CtuneAsync(command.Split(' '));
        Assert.Equal(2, code);
        Assert.Equal("", @out);
        Assert.Contains(expected, err);
        Assert.Contains("usage: ctune", err);
    }

    [Fact]
    public async Task A_missing_kubeconfig_exits_2_and_an_unreachable_server_exits_1()
    {
        var (code, _, err) = await CtuneAsync("status", "--kubeconfig", "/nonexistent/kubeconfig");
        Assert.Equal(2, code);
        Assert.Contains("--kubeconfig: '/nonexistent/kubeconfig' does not exist", err);

        var dead = Path.Combine(cluster.Server.TempDirectory, "dead-kubeconfig");
        await File.WriteAllTextAsync(dead, (await File.ReadAllTextAsync(cluster.Kubeconfig)).Replace(cluster.Server.BaseAddress.ToString().TrimEnd('/'), "http://127.0.0.1:1", StringComparison.Ordinal));
        (code, _, err) = await CtuneAsync("status", "--kubeconfig", dead);
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the API server http://127.0.0.1:1/", err);
    }

    [Fact]
    public void The_default_kubeconfig_comes_from_KUBECONFIG_with_the_context_namespace()
    {
        var path = Path.Combine(cluster.Server.TempDirectory, "team-a-kubeconfig");
        cluster.Server.Server.WriteKubeconfig(path, "team-a");
        var args = CommandArgs.Parse([], [], []);
        using (var c = ClusterConnection.Open(args, name => name == "KUBECONFIG" ? path : null))
        {
            Assert.Equal("team-a", c.Namespace);
        }

        using (var c = ClusterConnection.Open(CommandArgs.Parse(["-n", "other"], [], []), name => name == "KUBECONFIG" ? path : null))
        {
            Assert.Equal("other", c.Namespace);
        }
    }

    [Fact]
    public void A_KUBECONFIG_list_is_merged_as_kubectl_merges_it()
    {
        var first = Path.Combine(cluster.Server.TempDirectory, "merge-a-kubeconfig");
        var second = Path.Combine(cluster.Server.TempDirectory, "merge-b-kubeconfig");
        cluster.Server.Server.WriteKubeconfig(first, "team-a");
        cluster.Server.Server.WriteKubeconfig(second, "team-b");
        File.WriteAllText(second, File.ReadAllText(second).Replace("clustertune-embedded", "second", StringComparison.Ordinal));
        var list = string.Join(Path.PathSeparator, Path.Combine(cluster.Server.TempDirectory, "absent"), first, second);
        string? Env(string name) => name == "KUBECONFIG" ? list : null;
        using (var c = ClusterConnection.Open(CommandArgs.Parse([], [], []), Env))
        {
            Assert.Equal("team-a", c.Namespace); // the first file's current-context
        }

        using (var c = ClusterConnection.Open(CommandArgs.Parse(["--context", "second"], [], []), Env))
        {
            Assert.Equal("team-b", c.Namespace); // a context only the second file defines
        }

        var e = Assert.Throws<UsageException>(() => ClusterConnection.Open(CommandArgs.Parse(["--context", "third"], [], []), Env));
        Assert.Contains("known: clustertune-embedded, second", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("trials")]
    [InlineData("best")]
    [InlineData("logs")]
    [InlineData("explain")]
    public async Task Every_command_has_help(string command)
    {
        using var @out = new StringWriter();
        Assert.Equal(0, await Dispatcher.RunAsync([command, "--help"], @out, TextWriter.Null, CancellationToken.None));
        Assert.StartsWith($"usage: ctune {command}", @out.ToString());
        Assert.Contains("--kubeconfig PATH", @out.ToString());
    }
}
