using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ResumeTests
{
    private const string Params = """{"freezeDepth":1,"lrFactor":0.5,"loraRank":2,"headLrFactor":1}""";

    [Fact]
    public void StopCheckpointResumeEqualsOneUninterruptedRun()
    {
        var dir = TestData.TempDir("resume");
        try
        {
            // 50 examples, batch 10 -> 5 steps per epoch, 15 steps; the interrupted run stops mid-epoch at step 7.
            var whole = TrainerRun.Options(Path.Combine(dir, "whole"), Params);
            Assert.Equal(ExitCodes.Succeeded, Program.Run(whole, TextWriter.Null));
            var first = TrainerRun.Options(Path.Combine(dir, "split"), Params) with { MaxSteps = 7 };
            Assert.Equal(ExitCodes.Stopped, Program.Run(first, TextWriter.Null));
            var stopped = Result(first);
            Assert.Equal(TrialResult.Stopped, stopped.Status);
            Assert.Equal(7, stopped.Step);
            var last = Path.Combine(first.CheckpointDir, TrialCheckpoint.LastName);
            Assert.Equal("2", Checkpoint.ReadManifest(last).Extra[TrialCheckpoint.ResumeKeys.BatchInEpoch]);
            var second = first with { MaxSteps = 0, ResumeFrom = last };
            Assert.Equal(ExitCodes.Succeeded, Program.Run(second, TextWriter.Null));

            var a = Result(whole);
            var b = Result(second);
            Assert.Equal((15L, 3), (a.Step, a.Epoch));
            Assert.Equal((a.Step, a.Epoch, a.Objective), (b.Step, b.Epoch, b.Objective));
            Assert.Equal(a.Metrics, b.Metrics);
            // Bit-exact: every file of the final checkpoint (weights, adapters, training state with the RNG, optimizer)
            // has the same SHA-256 after stop + resume as after one uninterrupted run.
            var expected = Checkpoint.ReadManifest(Path.Combine(whole.CheckpointDir, TrialCheckpoint.LastName)).Files;
            var actual = Checkpoint.ReadManifest(Path.Combine(second.CheckpointDir, TrialCheckpoint.LastName)).Files;
            Assert.Equal([TrialCheckpoint.AdapterFile, Checkpoint.WeightsFile, TrialCheckpoint.OptimizerFile, TrialCheckpoint.TrainingFile], expected.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(expected, actual);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ResumeWithDifferentParamsIsRefusedWithTheReason()
    {
        var dir = TestData.TempDir("resume-params");
        try
        {
            var first = TrainerRun.Options(dir, Params, epochs: 1);
            Assert.Equal(ExitCodes.Succeeded, Program.Run(first, TextWriter.Null));
            var other = first with { Parameters = Trainer.Contract.TrialParameters.Parse("""{"loraRank":4}"""), ResumeFrom = Path.Combine(first.CheckpointDir, "last") };
            var log = new StringWriter();
            Assert.Equal(ExitCodes.Usage, Program.Run(other, log));
            Assert.Contains(TrialEnv.ResumeFrom, log.ToString());
            var result = Result(other);
            Assert.Equal(TrialResult.Failed, result.Status);
            Assert.Contains("loraRank", result.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ASuccessfulTrialLeavesResultMetricsAndCheckpoints()
    {
        var dir = TestData.TempDir("trial");
        try
        {
            var options = TrainerRun.Options(dir, """{"freezeDepth":2,"loraRank":0,"lrFactor":0.1}""", epochs: 2);
            Assert.Equal(ExitCodes.Succeeded, Program.Run(options, TextWriter.Null));
            var result = Result(options);
            Assert.Equal(TrialResult.Succeeded, result.Status);
            Assert.Equal((2, 10L), (result.Epoch, result.Step));
            Assert.Equal(93_642, result.TrainableParameters);
            Assert.InRange(result.Metrics["accuracy"], 0, 1);
            Assert.True(result.Objective >= result.Metrics["accuracy"]);
            var best = Checkpoint.ReadManifest(result.BestCheckpoint!);
            Assert.Equal(result.Objective, best.Metrics["accuracy"]);
            Assert.False(File.Exists(Path.Combine(result.LastCheckpoint!, TrialCheckpoint.AdapterFile))); // r = 0: no adapter file
            var lines = File.ReadAllLines(Path.Combine(options.CheckpointDir, MetricsLog.FileName)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(10, lines.Count(l => l.GetProperty("name").GetString() == MetricNames.TrainLoss));
            var durations = lines.Where(l => l.GetProperty("name").GetString() == MetricNames.TrainStepDuration).ToList();
            Assert.Equal(10, durations.Count);
            Assert.All(durations, d => Assert.Equal("cpu", d.GetProperty("attributes").GetProperty(MetricAttributes.Device).GetString()));
            var evals = lines.Where(l => l.GetProperty("name").GetString() == MetricNames.EvalMetric && l.GetProperty("attributes").GetProperty("metric").GetString() == "accuracy").ToList();
            Assert.Equal([1, 2], evals.Select(e => e.GetProperty("epoch").GetInt32()));
            Assert.Equal(result.Metrics["accuracy"], evals[^1].GetProperty("value").GetDouble());
            Assert.InRange(lines.Count(l => l.GetProperty("name").GetString() == MetricNames.CheckpointSaved), 3, 4); // last x2, best x1-2
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static TrialResult Result(Trainer.Contract.TrialOptions options) =>
        JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
}
