using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;
using ClusterTune.Trainer.Tests.Training;
using ClusterTune.Trainer.Training;

namespace ClusterTune.Trainer.Tests.Text;

/// <summary>The text workload end to end: masked-token pretraining, then few-label spam filtering from that base.</summary>
[Collection(TorchCollection.Name)]
public sealed class TextWorkloadTests : IDisposable
{
    private readonly string _dir = TestData.TempDir("text");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void PretrainThenFineTuneWithLoraOnQAndVAndResumeExactly()
    {
        // A short masked-token pretraining: 10 steps of 32 sequences.
        var pretrain = TrainerRun.Options(Path.Combine(_dir, "pre"), "{}", epochs: 1, batchSize: 32, evalLimit: 64) with
        {
            Command = TrialOptions.PretrainCommand,
            ModelArchitecture = TextEncoder.Architecture,
            TrainLimit = 320,
            LearningRate = 1e-3,
        };
        var log = new StringWriter();
        Assert.True(Program.Run(pretrain, log) == ExitCodes.Succeeded, log.ToString());
        var baseDir = Path.Combine(pretrain.CheckpointDir, Pretrainer.BaseDirectory);
        var baseManifest = Checkpoint.ReadManifest(baseDir);
        Assert.Equal(TextEncoder.Architecture, baseManifest.Architecture);
        Assert.Contains(Vocabulary.FileName, baseManifest.Files.Keys);
        Assert.InRange(baseManifest.Metrics["accuracy"], 0.0, 1.0); // masked-token accuracy on held-out sequences

        // Fine-tune with LoRA (default targets q, v) for 3 epochs of 2 steps; a second run stops after step 3 and resumes.
        const string knobs = """{"freezeDepth":1,"loraRank":4,"lrFactor":3}""";
        var whole = TrainerRun.Options(Path.Combine(_dir, "whole"), knobs, epochs: 3, labelsPerClass: 10, batchSize: 10, evalLimit: 100) with { ModelPath = baseDir };
        log = new StringWriter();
        Assert.True(Program.Run(whole, log) == ExitCodes.Succeeded, log.ToString());
        Assert.Contains("clustertune-text-v1 on spam-assassin (npm), 10 labels/class", log.ToString());
        var result = JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(whole.TerminationMessagePath), TerminationMessage.JsonOptions)!;
        Assert.Equal((6L, 3), (result.Step, result.Epoch));
        Assert.Equal((3 * ((2 * 4 * 128) + 448 + 256)) + 128 + 130, result.TrainableParameters); // layers 1..3 adapted, layer 0 + embeddings frozen

        var split = whole with { CheckpointDir = Path.Combine(_dir, "split", "ckpt"), TerminationMessagePath = Path.Combine(_dir, "split", "t"), MaxSteps = 3 };
        Assert.Equal(ExitCodes.Stopped, Program.Run(split, TextWriter.Null));
        var resumed = split with { MaxSteps = 0, ResumeFrom = Path.Combine(split.CheckpointDir, TrialCheckpoint.LastName) };
        Assert.Equal(ExitCodes.Succeeded, Program.Run(resumed, TextWriter.Null));
        var expected = Checkpoint.ReadManifest(Path.Combine(whole.CheckpointDir, TrialCheckpoint.LastName));
        var actual = Checkpoint.ReadManifest(Path.Combine(resumed.CheckpointDir, TrialCheckpoint.LastName));
        Assert.Equal(expected.Files, actual.Files); // bit-exact, vocabulary included
        Assert.Equal(baseManifest.Files[Vocabulary.FileName], expected.Files[Vocabulary.FileName]); // the fine-tune keeps the base's vocabulary
        Assert.Equal("spam-assassin", expected.Extra[TrialCheckpoint.ResumeKeys.Dataset]);

        // A text base without its vocabulary cannot be used: the trial names the missing file.
        var broken = Path.Combine(_dir, "broken");
        Directory.CreateDirectory(broken);
        foreach (var file in Directory.GetFiles(baseDir).Where(f => Path.GetFileName(f) != Vocabulary.FileName))
        {
            File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
        }

        log = new StringWriter();
        Assert.Equal(ExitCodes.Usage, Program.Run(whole with { ModelPath = broken, CheckpointDir = Path.Combine(_dir, "b") }, log));
        Assert.Contains($"has no {Vocabulary.FileName}", log.ToString());
    }
}
