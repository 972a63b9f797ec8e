using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>Trials and pods left by an operator from before shards carry no shard label; the operator labels them and runs on.</summary>
public sealed class ShardLabelScenarioTests
{
    private static JsonObject Unlabel() => new() { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [LabelKeys.Shard] = null } } };

    [Fact]
    public async Task Trials_and_pods_without_a_shard_label_are_labelled_by_their_owner_and_the_sweep_finishes()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        await h.Client.CreateAsync(SweepHarness.GridJob("legacy", [0.1, 0.01, 0.001], [0], parallelism: 2, epochs: 2, epochSeconds: 0.5));
        await h.WaitUntilAsync(async () => (await h.PodsAsync("legacy")).Count >= 2, "the first pods exist");
        await h.CrashOperatorAsync();
        // What an operator from before shards left behind: the same objects without the label.
        foreach (var t in await h.TrialsAsync("legacy"))
        {
            await h.Client.MergePatchAsync<Trial>(t.Metadata.Name!, Unlabel(), "default");
        }

        foreach (var p in await h.PodsAsync("legacy"))
        {
            await h.Client.MergePatchAsync<V1Pod>(p.Metadata.Name!, Unlabel(), "default");
        }

        Assert.All(await h.TrialsAsync("legacy"), t => Assert.False(t.Metadata.Labels!.ContainsKey(LabelKeys.Shard)));

        await h.StartOperatorAsync();
        var job = await h.WaitForJobAsync("legacy", SweepHarness.Finished);

        Assert.Equal(FineTuneJobPhase.Succeeded, job.Status!.Phase);
        Assert.Equal(3, job.Status.Trials!.Succeeded);
        // The labelling runs beside the sweep (a silo labels what it owns once its caches synced): wait for it.
        var shard = JobShards.Label("default", "legacy");
        await h.WaitUntilAsync(async () =>
            (await h.TrialsAsync("legacy")).All(t => t.Metadata.Labels!.TryGetValue(LabelKeys.Shard, out var ts) && ts == shard)
            && (await h.PodsAsync("legacy")).All(p => p.Metadata.Labels!.TryGetValue(LabelKeys.Shard, out var ps) && ps == shard), "every Trial and pod carries its shard");
        Assert.Equal(3, (await h.TrialsAsync("legacy")).Count);
    }
}
