using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;
using ClusterTune.Trainer.Tests.Training;

namespace ClusterTune.Trainer.Tests.Torch;

[Collection(TorchCollection.Name)]
public sealed class CudaTrainingTests
{
    [CudaFact]
    public void ATrialTrainsOnCudaAndItsCheckpointLoadsOnTheCpu()
    {
        var dir = TestData.TempDir("cuda");
        try
        {
            var options = TrainerRun.Options(dir, """{"freezeDepth":1,"loraRank":2,"lrFactor":0.5}""", epochs: 2) with { Device = "cuda" };
            var log = new StringWriter();
            Assert.Equal(ExitCodes.Succeeded, Program.Run(options, log));
            Assert.Contains("device: cuda:0", log.ToString());
            var result = JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
            Assert.Equal(TrialResult.Succeeded, result.Status);
            Assert.InRange(result.Metrics["accuracy"], 0.2, 1); // learned something beyond chance (0.1) in 10 steps
            var durations = File.ReadLines(Path.Combine(options.CheckpointDir, MetricsLog.FileName))
                .Where(l => l.Contains(MetricNames.TrainStepDuration, StringComparison.Ordinal)).ToList();
            Assert.All(durations, l => Assert.Contains("\"device\":\"cuda:0\"", l));
            var weights = Checkpoint.LoadWeights(result.LastCheckpoint!, Checkpoint.ReadManifest(result.LastCheckpoint!)); // saved from the GPU, read on the CPU
            Assert.All(weights.Values, t => Assert.Equal(TorchSharp.DeviceType.CPU, t.device_type));
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
