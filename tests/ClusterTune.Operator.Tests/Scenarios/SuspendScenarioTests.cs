using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// Kueue's contract end to end on the embedded API server with the contract trainer: a suspended job runs no pods
/// (running trials checkpoint on SIGTERM and pause), unsuspending resumes each from its checkpoint with every epoch
/// trained once; a job managed by another controller is left alone, and spec.managedBy cannot change.
/// </summary>
public sealed class SuspendScenarioTests
{
    [Fact]
    public async Task Suspend_checkpoints_and_stops_running_trials_and_unsuspend_resumes_them_without_losing_epochs()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("susp", [0.1, 1.0], [0], parallelism: 2, epochs: 4, epochSeconds: 1.5));
        // Both trials running, each with a checkpoint of at least one epoch on disk.
        await h.WaitUntilAsync(async () =>
        {
            var trials = await h.TrialsAsync("susp");
            return trials.Count == 2 && trials.All(t => File.Exists(Path.Combine(h.CheckpointRoot, "default", "susp", "trials", t.Metadata.Name, "last", "manifest.json")));
        }, "both trials running with a checkpoint");

        await h.Client.MergePatchAsync<FineTuneJob>("susp", new { spec = new { suspend = true } }, "default");
        await h.WaitUntilAsync(async () => (await h.TrialsAsync("susp")).All(t => t.Status?.Phase == TrialPhase.Paused), "every trial paused", TimeSpan.FromSeconds(30));
        var paused = (await h.TrialsAsync("susp")).ToDictionary(t => t.Metadata.Name!);
        Assert.All(paused.Values, t =>
        {
            Assert.Equal(TrialReasons.Suspended, t.Status!.Reason);
            Assert.InRange(t.Status.Epoch!.Value, 1, 3);
            Assert.NotNull(t.Status.LastCheckpointUri);
        });
        Assert.Equal(FineTuneJobPhase.Suspended, (await h.Client.GetAsync<FineTuneJob>("susp", "default")).Status!.Phase);
        // Kueue counts on it: no pod runs while the job is suspended, and none starts.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var pods = await h.PodsAsync("susp");
        Assert.DoesNotContain(pods, p => p.Status?.Phase is PodPhases.Running or PodPhases.Pending);
        Assert.DoesNotContain(pods, p => p.Metadata.Labels?[LabelKeys.Attempt] != "1");
        Assert.All(await h.TrialsAsync("susp"), t => Assert.Equal(TrialPhase.Paused, t.Status!.Phase));

        await h.Client.MergePatchAsync<FineTuneJob>("susp", new { spec = new { suspend = false } }, "default");
        var job = await h.WaitForJobAsync("susp", SweepHarness.Finished, TimeSpan.FromSeconds(90));
        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        foreach (var trial in await h.TrialsAsync("susp"))
        {
            var s = trial.Status!;
            Assert.Equal(TrialPhase.Succeeded, s.Phase);
            Assert.Equal([1, 2, 3, 4], s.Observations!.Select(o => o.Epoch));
            Assert.Null(s.CurveGaps);
            Assert.Equal(2, s.Attempts);
            Assert.Equal(1, s.Suspensions);
            // Attempt 2 continued after the epoch the suspension checkpointed; it did not train from epoch 0 again.
            var resumedFrom = paused[trial.Metadata.Name!].Status!.Epoch!.Value;
            Assert.Contains($"attempt 2 starts after epoch {resumedFrom}", await h.PodLogAsync(ResourceNames.Pod("susp", trial.Spec.Index, 2)));
        }
    }

    [Fact]
    public async Task A_job_managed_by_another_controller_is_left_alone_and_managedBy_cannot_change()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        var foreign = SweepHarness.GridJob("mk", [0.1], [0]);
        foreign.Spec.ManagedBy = JobControl.MultiKueueController;
        await h.Client.CreateAsync(foreign);
        var ours = SweepHarness.GridJob("own", [0.1], [0]);
        ours.Spec.ManagedBy = JobControl.ClusterTuneController;
        await h.Client.CreateAsync(ours);

        await h.WaitForJobAsync("own", SweepHarness.Finished);
        var mk = await h.Client.GetAsync<FineTuneJob>("mk", "default");
        Assert.Null(mk.Status);
        Assert.Null(mk.Metadata.Finalizers);
        Assert.Empty(await h.TrialsAsync("mk"));
        Assert.Empty(await h.PodsAsync("mk"));

        var changed = await Assert.ThrowsAsync<HttpOperationException>(() =>
            h.Client.MergePatchAsync<FineTuneJob>("mk", new { spec = new { managedBy = JobControl.ClusterTuneController } }, "default"));
        Assert.Equal(422, (int)changed.Response.StatusCode);
        Assert.Contains("spec.managedBy is immutable", changed.Response.Content);
        var removed = await Assert.ThrowsAsync<HttpOperationException>(() =>
            h.Client.MergePatchAsync<FineTuneJob>("mk", """{"spec":{"managedBy":null}}""", "default"));
        Assert.Equal(422, (int)removed.Response.StatusCode);
        Assert.Contains("cannot be added or removed", removed.Response.Content);
        var plain = SweepHarness.GridJob("plain", [0.1], [0]);
        plain.Spec.Suspend = true;
        await h.Client.CreateAsync(plain);
        var added = await Assert.ThrowsAsync<HttpOperationException>(() =>
            h.Client.MergePatchAsync<FineTuneJob>("plain", new { spec = new { managedBy = JobControl.MultiKueueController } }, "default"));
        Assert.Equal(422, (int)added.Response.StatusCode);
        Assert.Contains("cannot be added or removed", added.Response.Content);
        Assert.Equal(JobControl.MultiKueueController, (await h.Client.GetAsync<FineTuneJob>("mk", "default")).Spec.ManagedBy);
        // Other spec fields stay editable.
        await h.Client.MergePatchAsync<FineTuneJob>("mk", new { spec = new { suspend = true } }, "default");
    }
}
