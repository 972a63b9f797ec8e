using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Checkpoints;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// The operator end to end on the embedded control plane (real HTTP, real node agent, real child processes):
/// a sweep finishes with the oracle's best, and the fault matrix rows (docs/design/fault-matrix.md) hold.
/// </summary>
public sealed class SweepScenarioTests(ITestOutputHelper output)
{
    private static readonly double[] LrFactors = [0.01, 0.1, 1.0];
    private static readonly long[] FreezeDepths = [0, 1];

    [Fact]
    public async Task GridSweepSucceedsWithTheOracleBestAndPromotesIt()
    {
        await using var h = await SweepHarness.StartAsync();
        var writes = new WriteCounter();
        await h.StartOperatorAsync(writes.Handler());
        await h.Client.CreateAsync(SweepHarness.GridJob("grid", LrFactors, FreezeDepths));
        var job = await h.WaitForJobAsync("grid", SweepHarness.Finished);

        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        AssertOracleBest(job);
        Assert.Equal(6, job.Status.Trials!.Succeeded);
        Assert.Equal(6, job.Status.Trials.Total);
        Assert.True(Conditions.IsTrue(job.Status.Conditions, ConditionTypes.CheckpointPromoted));
        Assert.Contains(Finalizers.Cleanup, job.Metadata.Finalizers!);
        var promoted = job.Status.BestTrial!.PromotedUri!;
        Assert.Equal(job.Status.BestTrial.Sha256, CheckpointManager.Sha256(Path.Combine(promoted, CheckpointManager.ModelFile)));
        Assert.True(File.Exists(Path.Combine(promoted, CheckpointManager.ProvenanceFile)));
        Assert.Equal(3, job.Status.RetainedCheckpoints!.Count);
        await AssertOnePodPerTrialAsync(h, "grid");

        // Writes of one trial's lifecycle: create Trial, create Pod, Trial status (pod created, running, result).
        var perTrial = (writes.ByResource.GetValueOrDefault("trials") + writes.ByResource.GetValueOrDefault("trials/status") + writes.ByResource.GetValueOrDefault("pods")) / 6.0;
        output.WriteLine($"API writes by resource: {string.Join(", ", writes.ByResource.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))}");
        output.WriteLine($"trial lifecycle writes per trial: {perTrial:0.0}; job writes per trial: {(writes.ByResource.GetValueOrDefault("finetunejobs") + writes.ByResource.GetValueOrDefault("finetunejobs/status")) / 6.0:0.0}");
        Assert.True(perTrial <= 6, $"{perTrial} writes per trial lifecycle, target 6");
    }

    [Fact]
    public async Task AnUndecodableJobIsSkippedWithAWarningWhileOtherSweepsRun()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        // An object inside a categorical list: the CRD cannot forbid it structurally (values are any JSON scalar, so
        // they preserve unknown fields), and it does not fit ParamValue. It used to stop the FineTuneJob informer.
        var bad = JsonNode.Parse(KubernetesJson.Serialize(SweepHarness.GridJob("poison", LrFactors, FreezeDepths)))!.AsObject();
        bad["spec"]!["searchSpace"]!["lrFactor"]!["values"] = new JsonArray(new JsonObject { ["value"] = 0.1 });
        await h.Client.CustomObjects.CreateNamespacedCustomObjectAsync(bad, ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural);
        await h.Client.CreateAsync(SweepHarness.GridJob("healthy", [0.1], [0, 1]));
        // A number beyond int32, the other measured poison, the CRD now refuses outright.
        var huge = JsonNode.Parse(KubernetesJson.Serialize(SweepHarness.GridJob("huge", LrFactors, FreezeDepths)))!.AsObject();
        huge["spec"]!["trainer"]!["epochs"] = 2147483648L;
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() =>
            h.Client.CustomObjects.CreateNamespacedCustomObjectAsync(huge, ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural));
        Assert.True(refused.IsInvalid());
        Assert.Contains(refused.Status()!.Details.Causes, c => c.Field == "spec.trainer.epochs");

        var job = await h.WaitForJobAsync("healthy", SweepHarness.Finished);
        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        var events = await h.Client.ListAllAsync<Corev1Event>("default", fieldSelector: "involvedObject.name=poison");
        var warning = Assert.Single(events, e => e.Reason == EventReasons.ObjectUndecodable);
        Assert.Equal(EventTypes.Warning, warning.Type);
        Assert.Contains("searchSpace", warning.Message, StringComparison.Ordinal);
        var stored = (System.Text.Json.JsonElement)await h.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, "default", FineTuneJob.Plural, "poison");
        Assert.False(stored.TryGetProperty("status", out _)); // stored as written, never acted on
        var scrape = Telemetry.Prometheus.PrometheusTextRenderer.Render(h.Operator!.Registry);
        Assert.Contains("clustertune_operator_undecodable_objects{resource=\"finetunejobs\"} 1", scrape, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(12)]
    [InlineData(16)]
    public async Task OperatorCrashAfterTheKthWriteLosesNothingAndDuplicatesNothing(int k)
    {
        await using var h = await SweepHarness.StartAsync();
        var crash = new CrashAfterWrites(k);
        await h.StartOperatorAsync(crash.Handler());
        await h.Client.CreateAsync(SweepHarness.GridJob("crash", LrFactors, FreezeDepths));
        await crash.Crashed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await h.CrashOperatorAsync();
        await h.StartOperatorAsync();
        var job = await h.WaitForJobAsync("crash", SweepHarness.Finished);

        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        AssertOracleBest(job);
        Assert.Equal(6, job.Status.Trials!.Total);
        Assert.Equal(6, job.Status.Trials.Succeeded);
        await AssertOnePodPerTrialAsync(h, "crash");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AshaPromoteModePausesTrialsAtRungsAndResumesTheWinnersFromTheirCheckpoints(bool flushNever)
    {
        await using var h = await SweepHarness.StartAsync();
        // With the periodic observation flush out of the picture, every observation in a trial's status must have
        // ridden along with the trial's own status writes (paused, finished), and the decisions must not have waited for it.
        if (flushNever)
        {
            h.ConfigureOperator = o => o with { ProgressFlushInterval = TimeSpan.FromHours(1) };
        }

        await h.StartOperatorAsync();
        var job = SweepHarness.GridJob("promote", LrFactors, [0L, 1L, 2L], epochs: 9);
        job.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 1, ReductionFactor = 3, Mode = EarlyStoppingMode.Promote };
        await h.Client.CreateAsync(job);
        job = await h.WaitForJobAsync("promote", SweepHarness.Finished);
        // The job's status and its trials' are separate objects: the trials paused at a rung are stopped right after.
        await h.WaitUntilAsync(async () => (await h.TrialsAsync("promote")).All(t => t.Status?.Phase is TrialPhase.Succeeded or TrialPhase.EarlyStopped),
            "every trial to end", TimeSpan.FromSeconds(30));

        var trials = await h.TrialsAsync("promote");
        Assert.True(job.Status!.Phase == FineTuneJobPhase.Succeeded,
            $"{SweepHarness.KubernetesJsonText(job.Status)}\n{string.Join("\n", trials.Select(t => $"{t.Metadata.Name} {SweepHarness.KubernetesJsonText(t.Spec)} {SweepHarness.KubernetesJsonText(t.Status)}"))}");
        Assert.Equal(9, trials.Count);
        // Rungs at 1 and 3 epochs of 9, η = 3: asynchronous ASHA promotes the top third of each rung as results
        // arrive, so at least 3 of 9 trials reach epoch 3 and at least one trains to the full length; the rest are
        // stopped at their rung when the sweep ends.
        var phases = string.Join(", ", trials.OrderBy(t => t.Spec.Index).Select(t => $"{t.Spec.Index}:{t.Status?.Phase}/{t.Status?.Reason}@{t.Status?.Epoch}x{t.Status?.Attempts}"));
        var winners = trials.Where(t => t.Status?.Phase == TrialPhase.Succeeded).ToList();
        Assert.True(winners.Count >= 1, phases);
        Assert.True(trials.Count(t => t.Status!.Epoch >= 3) >= 3, phases);
        Assert.True(trials.All(t => t.Status?.Phase is TrialPhase.Succeeded or TrialPhase.EarlyStopped), phases);
        Assert.All(winners, w =>
        {
            // One pod per rung: 1 epoch, then resumed to 3, then to 9, each time from the previous checkpoint.
            Assert.Equal(9, w.Status!.Epoch);
            Assert.Equal(2, w.Spec.Rung);
            Assert.Equal(3, w.Status.Attempts);
            Assert.NotNull(w.Spec.ResumeFrom);
        });
        var oracle = LrFactors.SelectMany(lr => new[] { 0L, 1L, 2L }.Select(fd => SweepHarness.Objective(lr, fd))).Max();
        Assert.Equal(oracle, job.Status.BestTrial!.Objective!.Value, 9);
        // The observation of the last epoch each trial ran (its rung, or its end) is in its status, whichever write carried it.
        Assert.All(trials, t => Assert.Contains(t.Status!.Epoch!.Value, t.Status.Observations!.Select(o => o.Epoch)));
        var events = await h.Client.ListAsync<Corev1Event>("default");
        // Pausing at a rung is routine (status only); the promotion decision and the resume are events.
        Assert.DoesNotContain(events.Items, e => e.Reason == EventReasons.TrialPaused);
        Assert.Contains(events.Items, e => e.Reason == EventReasons.TrialPromoted);
        Assert.Contains(events.Items, e => e.Reason == EventReasons.TrialResumed);
    }

    [Fact]
    public async Task AResultThatArrivesWhileTheOperatorIsDownIsRecoveredFromTheTerminationMessage()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("outage", [0.1], [0], parallelism: 1, epochs: 2, epochSeconds: 0.5));
        await h.WaitUntilAsync(async () => (await h.TrialsAsync("outage")).Any(t => t.Status?.Phase == TrialPhase.Running), "the trial runs");
        await h.CrashOperatorAsync();
        await h.WaitUntilAsync(async () => (await h.PodsAsync("outage")).Any(p => p.Status?.Phase == PodPhases.Succeeded), "the pod finishes while no operator runs");
        var trial = (await h.TrialsAsync("outage")).Single();
        Assert.Equal(TrialPhase.Running, trial.Status!.Phase);

        await h.StartOperatorAsync();
        var job = await h.WaitForJobAsync("outage", SweepHarness.Finished);
        trial = (await h.TrialsAsync("outage")).Single();
        Assert.Equal(TrialPhase.Succeeded, trial.Status!.Phase);
        Assert.Equal(SweepHarness.Objective(0.1, 0), trial.Status.Objective!.Value, 9);
        Assert.Equal(2, trial.Status.Epoch);
        Assert.Equal(trial.Metadata.Name, job.Status!.BestTrial!.Name);
        var events = await h.Client.ListAsync<Corev1Event>("default");
        Assert.Contains(events.Items, e => e.Reason == EventReasons.ResultRecovered && e.InvolvedObject?.Name == trial.Metadata.Name);
    }

    [Fact]
    public async Task DeletingTheJobMidSweepRemovesItsPodsAndFinalizer()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("doomed", LrFactors, FreezeDepths, epochs: 100, epochSeconds: 0.2));
        await h.WaitUntilAsync(async () => (await h.PodsAsync("doomed")).Count(p => p.Status?.Phase == PodPhases.Running) == 2, "two trial pods run");
        var jobDir = Path.Combine(h.CheckpointRoot, "default", "doomed");
        await h.WaitUntilAsync(() => Task.FromResult(Directory.Exists(Path.Combine(jobDir, "trials"))), "trials write checkpoints");

        await h.Client.DeleteAsync<FineTuneJob>("doomed", "default");
        await h.WaitUntilAsync(async () => await h.Client.TryGetAsync<FineTuneJob>("doomed", "default") is null, "the job is gone");
        await h.WaitUntilAsync(async () => (await h.PodsAsync("doomed")).Count == 0 && (await h.TrialsAsync("doomed")).Count == 0, "no orphan pods or trials");
        Assert.False(Directory.Exists(Path.Combine(jobDir, "trials")), "deletePolicy keepPromoted deletes trial checkpoints");
        // The stopped pods are counted when they are stopped (CleanupCompleted used to say "deleted 0 pod(s)").
        var events = await h.Client.ListAllAsync<Corev1Event>("default", fieldSelector: "involvedObject.name=doomed");
        Assert.Contains(events, e => e.Reason == EventReasons.PodsStopping && e.Message!.StartsWith("stopping 2 pod(s)", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Reason == EventReasons.CleanupCompleted && e.Message!.StartsWith("no pods left", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AUserDeletingARunningTrialPodGetsTheTrialRetriedNotLost()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("victim", [0.1], [0], parallelism: 1, env: ("CT_FAKE_HANG_ATTEMPT", "1")));
        var podName = ResourceNames.Pod("victim", 0, 1);
        await h.WaitUntilAsync(async () => await h.Client.TryGetAsync<V1Pod>(podName, "default") is { Status.Phase: PodPhases.Running }, "attempt 1 runs");
        await h.Client.DeleteAsync<V1Pod>(podName, "default");

        var job = await h.WaitForJobAsync("victim", SweepHarness.Finished);
        var trial = (await h.TrialsAsync("victim")).Single();
        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        Assert.Equal(TrialPhase.Succeeded, trial.Status!.Phase);
        Assert.Equal(2, trial.Status.Attempts);
        var events = await h.Client.ListAsync<Corev1Event>("default");
        Assert.Contains(events.Items, e => e.Reason == EventReasons.TrialRetried && e.InvolvedObject?.Name == trial.Metadata.Name);
    }

    [Theory]
    [InlineData("oom", TrialReasons.OutOfMemory)]
    [InlineData("error", TrialReasons.TrainerError)]
    [InlineData("config", TrialReasons.InvalidConfig)]
    public async Task UserFailuresAreNotRetriedAndFailTheSweepPastMaxFailedTrials(string failure, string reason)
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        var job = SweepHarness.GridJob("broken", LrFactors, [0], env: ("CT_FAKE_FAIL", failure));
        job.Spec.Budget!.MaxFailedTrials = 1;
        // "oom" allocates 512 MiB: over this limit the node agent kills it as a cgroup would (OOMKilled).
        job.Spec.Trainer.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("128Mi") } };
        await h.Client.CreateAsync(job);
        job = await h.WaitForJobAsync("broken", SweepHarness.Finished);

        Assert.Equal(FineTuneJobPhase.Failed, job.Status!.Phase);
        Assert.Equal(ConditionReasons.MaxFailedTrialsReached, Conditions.Find(job.Status.Conditions, ConditionTypes.Failed)!.Reason);
        var failed = (await h.TrialsAsync("broken")).Where(t => t.Status?.Phase == TrialPhase.Failed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, t =>
        {
            Assert.Equal(reason, t.Status!.Reason);
            Assert.Equal(1, t.Status.Attempts);
        });
    }

    [Fact]
    public async Task AMalformedJobGetsAConditionNamingTheFieldAndNothingIsCreated()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        var job = SweepHarness.GridJob("malformed", LrFactors, FreezeDepths);
        job.Spec.SearchSpace!.LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = 0, Max = 1, Scale = ParameterScale.Log };
        job.Spec.Algorithm!.Name = AlgorithmName.Random;
        await h.Client.CreateAsync(job);
        job = await h.WaitForJobAsync("malformed", j => j.Status?.Phase == FineTuneJobPhase.Failed);

        var validated = Conditions.Find(job.Status!.Conditions, ConditionTypes.Validated)!;
        Assert.Equal("False", validated.Status);
        Assert.Equal(ConditionReasons.SpecInvalid, validated.Reason);
        Assert.Contains("spec.searchSpace.lrFactor.min", validated.Message);
        await Task.Delay(500);
        Assert.Empty(await h.TrialsAsync("malformed"));
        Assert.Empty(await h.PodsAsync("malformed"));
    }

    [Fact]
    public async Task TheApiServerRejectsASchemaViolationWith422NamingTheField()
    {
        await using var h = await SweepHarness.StartAsync();
        var job = SweepHarness.GridJob("negative", LrFactors, FreezeDepths);
        job.Spec.Trainer.Epochs = 0;
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => h.Client.CreateAsync(job));
        Assert.True(e.IsInvalid());
        Assert.Contains(e.Status()!.Details.Causes, c => c.Field == "spec.trainer.epochs");
        Assert.Null(await h.Client.TryGetAsync<FineTuneJob>("negative", "default"));
    }

    private static void AssertOracleBest(FineTuneJob job)
    {
        var best = job.Status!.BestTrial!;
        var oracle = LrFactors.SelectMany(lr => FreezeDepths.Select(fd => (lr, fd, v: SweepHarness.Objective(lr, fd)))).MaxBy(x => x.v);
        Assert.Equal(oracle.v, best.Objective!.Value, 9);
        Assert.Equal(oracle.lr, best.Params![KnobNames.LrFactor].AsDouble());
        Assert.Equal(oracle.fd, best.Params[KnobNames.FreezeDepth].AsInt64());
    }

    private static async Task AssertOnePodPerTrialAsync(SweepHarness h, string job)
    {
        var pods = await h.PodsAsync(job);
        var trials = await h.TrialsAsync(job);
        Assert.Equal(trials.Count, pods.Count);
        Assert.All(trials, t => Assert.Contains(pods, p => p.Metadata.Name == ResourceNames.Pod(job, t.Spec.Index, 1)));
    }
}
