using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TransferTests
{
    [Fact]
    public void FineTuningThePretrainedBaseBeatsTheSameBudgetFromScratch()
    {
        var dir = TestData.TempDir("transfer");
        try
        {
            // Same data (10 labels per digit), steps, LR and seed; only the starting weights differ.
            const string Params = """{"freezeDepth":0,"loraRank":0,"lrFactor":0.5}""";
            var pretrained = TrainerRun.Options(Path.Combine(dir, "pretrained"), Params, epochs: 12, labelsPerClass: 10, batchSize: 20, evalLimit: 1000)
                with { ModelPath = TrainerRun.PretrainedBase };
            var scratch = pretrained with { ModelPath = null, CheckpointDir = Path.Combine(dir, "scratch", "ckpt"), TerminationMessagePath = Path.Combine(dir, "scratch", "termination-log"), PretrainingLearningRate = 2e-3 };
            Directory.CreateDirectory(Path.Combine(dir, "scratch"));
            Assert.Equal(ExitCodes.Succeeded, Program.Run(pretrained, TextWriter.Null));
            Assert.Equal(ExitCodes.Succeeded, Program.Run(scratch, TextWriter.Null));
            var a = Result(pretrained);
            var b = Result(scratch);
            Assert.Equal(a.Step, b.Step);
            Assert.True(a.Objective > b.Objective + 0.02, $"pretrained {a.Objective:F3} vs scratch {b.Objective:F3}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static TrialResult Result(Trainer.Contract.TrialOptions options) =>
        JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
}
