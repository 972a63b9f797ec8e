using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Commands;
using ClusterTune.Cli.Local;
using ClusterTune.Torch.Checkpoints;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Cli.Tests.EndToEnd;

/// <summary>
/// Local mode end to end with the real trainer (libtorch) on a tiny budget: the sweep succeeds, the promoted best
/// checkpoint loads (hash-verified) and its objective is the best trial's.
/// </summary>
public sealed class RealTrainerSweepTests
{
    private static readonly string Cache = LocalCluster.DefaultCacheDirectory;

    [Fact]
    public async Task ATinySweepWithTheRealTrainerPromotesALoadableBestCheckpoint()
    {
        Assert.True(File.Exists(Path.Combine(Cache, "models", "clustertune-cnn-fashion", "base", "manifest.json")),
            $"the pretrained base is missing under {Cache}: run `make deps` (the README's test command does)");
        var work = Directory.CreateTempSubdirectory("ct-e2e-").FullName;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            await using var cluster = await LocalCluster.StartAsync(work, Cache, NullLoggerFactory.Instance, cpus: 2, cts.Token);
            var job = JobFile.Parse("""
                apiVersion: clustertune.io/v1alpha1
                kind: FineTuneJob
                metadata: {name: tiny, namespace: default}
                spec:
                  model: {baseCheckpointUri: "file:///var/cache/clustertune/models/clustertune-cnn-fashion/base", architecture: clustertune-cnn-v1}
                  dataset: {trainUri: "file:///var/cache/clustertune/data", labelsPerClass: 5}
                  trainer:
                    image: clustertune/trainer:dev
                    epochs: 2
                    batchSize: 25
                    env: [{name: CT_THREADS, value: "1"}, {name: CT_EVAL_LIMIT, value: "200"}]
                  searchSpace:
                    freezeDepth: {type: categorical, values: [1]}
                    lrFactor: {type: categorical, values: [0.1, 1.0]}
                    loraRank: {type: categorical, values: [0, 4]}
                  algorithm: {name: grid}
                  budget: {parallelism: 2}
                """, "tiny.yaml");
            await cluster.Client.CreateAsync(job, cts.Token);
            var done = await RunCommand.FollowAsync(cluster.Client, "tiny", "default", TextWriter.Null, cts.Token);

            Assert.Equal(FineTuneJobPhase.Succeeded, done.Status!.Phase);
            Assert.True(Conditions.IsTrue(done.Status.Conditions, ConditionTypes.CheckpointPromoted));
            var trials = (await cluster.Client.ListAsync<Trial>("default", cancellationToken: cts.Token)).Items;
            Assert.Equal(4, trials.Count);
            Assert.All(trials, t => Assert.Equal(TrialPhase.Succeeded, t.Status!.Phase));
            var best = trials.Where(t => t.Status!.Objective is not null).MaxBy(t => t.Status!.Objective)!;
            Assert.Equal(best.Metadata.Name, done.Status.BestTrial!.Name);
            Assert.Equal(best.Status!.Objective, done.Status.BestTrial.Objective);

            var promoted = done.Status.BestTrial.PromotedUri!;
            var weights = Checkpoint.LoadWeights(promoted, verifyHash: true);
            try
            {
                Assert.NotEmpty(weights);
                var manifest = Checkpoint.ReadManifest(promoted);
                Assert.Equal(best.Status.Objective!.Value, manifest.Metrics["accuracy"], 9);
            }
            finally
            {
                foreach (var t in weights.Values) t.Dispose();
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
