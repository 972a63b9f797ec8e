using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>Issue 13 item 3 end to end: a trial no node can fit fails with reason Unschedulable; other sweeps run on.</summary>
public sealed class UnschedulableScenarioTests
{
    [Fact]
    public async Task A_trial_asking_for_a_million_cpus_fails_Unschedulable_and_the_job_ends()
    {
        await using var h = await SweepHarness.StartAsync();
        h.ConfigureOperator = o => o with { UnschedulableTimeout = TimeSpan.FromSeconds(2) };
        await h.StartOperatorAsync();
        var greedy = SweepHarness.GridJob("greedy", [0.1], [0], parallelism: 1);
        greedy.Spec.Trainer.Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1000000") } };
        greedy.Spec.Budget!.MaxFailedTrials = 0;
        await h.Client.CreateAsync(greedy);
        await h.Client.CreateAsync(SweepHarness.GridJob("healthy", [0.1], [0, 1]));

        var job = await h.WaitForJobAsync("greedy", SweepHarness.Finished, TimeSpan.FromSeconds(60));

        Assert.Equal(FineTuneJobPhase.Failed, job.Status!.Phase);
        var trial = Assert.Single(await h.TrialsAsync("greedy"));
        Assert.Equal((TrialPhase.Failed, TrialReasons.Unschedulable), (trial.Status!.Phase, trial.Status.Reason));
        Assert.Contains("could not be scheduled", trial.Status.Message);
        Assert.Contains("cpu", trial.Status.Message);
        await h.WaitUntilAsync(async () => (await h.PodsAsync("greedy")).Count == 0, "the unschedulable pod to be deleted");
        var healthy = await h.WaitForJobAsync("healthy", SweepHarness.Finished);
        Assert.Equal(FineTuneJobPhase.Succeeded, healthy.Status!.Phase);
    }
}
