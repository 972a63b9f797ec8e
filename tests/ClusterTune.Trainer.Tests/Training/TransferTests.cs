using System.Globalization;
using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TransferTests
{
    // Where the data supports the claim (docs/trainer.md, "Does pretraining help?", 10 seeds measured): with 5 labels
    // per digit and 18 steps, fine-tuning the Fashion-MNIST base beat the same budget from scratch by +10.7 points on
    // average (paired t ≈ 2.8); seeds 1–6 gave +13.2 with every seed ahead. At converged budgets (10–30 labels, 12
    // epochs) scratch catches up and is not beaten, so the claim is tested where it holds, not everywhere.
    private static readonly int[] Seeds = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void FineTuningThePretrainedBaseBeatsTheSameBudgetFromScratch()
    {
        var dir = TestData.TempDir("transfer");
        try
        {
            var gains = new List<double>();
            foreach (var seed in Seeds)
            {
                // Same data (5 labels per digit, drawn by the seed), steps, LR and seed; only the starting weights differ.
                const string Params = """{"freezeDepth":0,"loraRank":0,"lrFactor":1}""";
                var run = Path.Combine(dir, seed.ToString(CultureInfo.InvariantCulture));
                var pretrained = TrainerRun.Options(Path.Combine(run, "pretrained"), Params, epochs: 6, labelsPerClass: 5, batchSize: 20, evalLimit: 1000)
                    with
                { ModelPath = TrainerRun.PretrainedBase, Seed = seed };
                var scratch = TrainerRun.Options(Path.Combine(run, "scratch"), Params, epochs: 6, labelsPerClass: 5, batchSize: 20, evalLimit: 1000)
                    with
                { Seed = seed, PretrainingLearningRate = 2e-3 };
                Directory.CreateDirectory(Path.Combine(run, "pretrained"));
                Directory.CreateDirectory(Path.Combine(run, "scratch"));
                Assert.Equal(ExitCodes.Succeeded, Program.Run(pretrained, TextWriter.Null));
                Assert.Equal(ExitCodes.Succeeded, Program.Run(scratch, TextWriter.Null));
                var a = Result(pretrained);
                var b = Result(scratch);
                Assert.Equal(a.Step, b.Step);
                gains.Add(a.Objective!.Value - b.Objective!.Value);
            }

            var report = string.Join(", ", gains.Select(g => g.ToString("+0.000;-0.000", CultureInfo.InvariantCulture)));
            Assert.True(gains.Average() >= 0.05, $"mean gain {gains.Average():F3} < 0.05 over seeds {string.Join(",", Seeds)}: {report}");
            Assert.True(gains.Count(g => g > 0) >= 4, $"pretrained ahead on only {gains.Count(g => g > 0)} of {gains.Count} seeds: {report}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static TrialResult Result(Trainer.Contract.TrialOptions options) =>
        JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
}
