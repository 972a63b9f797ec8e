using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Testing;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

/// <summary>The result carries every epoch's objective, and best/'s manifest the metrics of the epoch it holds.</summary>
[Collection(TorchCollection.Name)]
public sealed class CurveTests
{
    [Fact]
    public void The_result_has_one_observation_per_epoch_and_best_holds_its_epochs_metrics()
    {
        var dir = TestData.TempDir("curve");
        try
        {
            var options = TrainerRun.Options(dir, """{"freezeDepth":1,"lrFactor":0.5,"loraRank":2}""", epochs: 3, evalLimit: 100);
            Assert.Equal(ExitCodes.Succeeded, Program.Run(options, TextWriter.Null));
            var result = JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
            Assert.Equal([1, 2, 3], result.Observations!.Select(o => o.Epoch));
            Assert.Equal(result.Objective, result.Observations!.Max(o => o.Value));
            Assert.Equal(result.Metrics["accuracy"], result.Observations![2].Value);

            var best = Checkpoint.ReadManifest(Path.Combine(options.CheckpointDir, TrialCheckpoint.BestName));
            Assert.Equal(result.Observations!.Single(o => o.Epoch == best.Epoch).Value, best.Metrics["accuracy"]);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
