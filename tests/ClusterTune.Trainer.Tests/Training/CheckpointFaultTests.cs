using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Testing;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

/// <summary>Fault drills on the trainer's own checkpoints: a corrupt resume checkpoint and a full disk.</summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointFaultTests
{
    private const string MetricsLogFile = "metrics.jsonl";
    private const string Params = """{"freezeDepth":1,"lrFactor":0.5,"loraRank":2,"headLrFactor":1}""";

    [Theory]
    [InlineData(TrialCheckpoint.TrainingFile, false, "SHA-256")]
    [InlineData(Checkpoint.WeightsFile, true, "SHA-256")]
    [InlineData(Checkpoint.ManifestFile, true, "manifest is not valid JSON")]
    public void A_corrupt_resume_checkpoint_starts_fresh_with_a_warning_and_ends_where_an_undisturbed_run_ends(string damaged, bool truncate, string why)
    {
        var dir = TestData.TempDir("corrupt-resume");
        try
        {
            var whole = TrainerRun.Options(Path.Combine(dir, "whole"), Params, epochs: 2);
            Assert.Equal(ExitCodes.Succeeded, Program.Run(whole, TextWriter.Null));
            var first = TrainerRun.Options(Path.Combine(dir, "split"), Params, epochs: 2) with { MaxSteps = 7 };
            Assert.Equal(ExitCodes.Stopped, Program.Run(first, TextWriter.Null));
            var last = Path.Combine(first.CheckpointDir, TrialCheckpoint.LastName);
            var file = Path.Combine(last, damaged);
            var bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x5a;
            File.WriteAllBytes(file, truncate ? bytes[..(bytes.Length / 2)] : bytes);

            var log = new StringWriter();
            var second = first with { MaxSteps = 0, ResumeFrom = last };
            Assert.Equal(ExitCodes.Succeeded, Program.Run(second, log));

            Assert.Contains($"train: warning: resume checkpoint {last} is unusable", log.ToString());
            var result = Result(second);
            Assert.Contains("started fresh from epoch 0", result.Message);
            Assert.Contains(why, result.Message);
            // A fresh start is an undisturbed run: the same final checkpoint, file for file.
            Assert.Equal(Result(whole).Objective, result.Objective);
            Assert.Equal(Files(whole.CheckpointDir, TrialCheckpoint.BestName), Files(second.CheckpointDir, TrialCheckpoint.BestName));
            Assert.Equal(Files(whole.CheckpointDir, TrialCheckpoint.LastName), Files(second.CheckpointDir, TrialCheckpoint.LastName));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_truncated_safetensors_file_is_recognised_even_when_no_hash_covers_it()
    {
        var dir = TestData.TempDir("truncated");
        try
        {
            var options = TrainerRun.Options(dir, Params, epochs: 1);
            Assert.Equal(ExitCodes.Succeeded, Program.Run(options, TextWriter.Null));
            var weights = Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName, Checkpoint.WeightsFile);
            Assert.Null(ResumeCheck.SafetensorsProblem(weights));
            using (var fs = new FileStream(weights, FileMode.Open))
            {
                fs.SetLength(fs.Length - 100);
            }

            Assert.Contains("truncated safetensors file", ResumeCheck.SafetensorsProblem(weights));
            using (var fs = new FileStream(weights, FileMode.Open))
            {
                fs.SetLength(5);
            }

            Assert.Contains("no header", ResumeCheck.SafetensorsProblem(weights));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Rows: bytes left free on the checkpoint volume, the file the failure must name (metrics.jsonl fits in 64 KiB, the ~0.5 MB checkpoint does not).</summary>
    [Theory]
    [InlineData(0, MetricsLogFile)]
    [InlineData(64 << 10, TrialCheckpoint.LastName)]
    public void A_full_disk_fails_the_checkpoint_write_with_exit_74_and_the_path(long free, string failing)
    {
        var dir = TestData.TempDir("full-disk");
        using var disk = SmallFilesystem.Mount(1 << 20);
        try
        {
            disk.Fill(leaveFree: free);
            var options = TrainerRun.Options(dir, Params, epochs: 1) with { CheckpointDir = Path.Combine(disk.Path, "ckpt") };
            var log = new StringWriter();
            Assert.True(ExitCodes.StorageError == Program.Run(options, log), log.ToString());

            var result = Result(options);
            Assert.Equal(TrialResult.Failed, result.Status);
            Assert.Equal($"checkpoint write failed: no space left on device at {Path.Combine(options.CheckpointDir, failing)}", result.Message);
            // The half-written temporary directory is cleaned up, nothing is left claiming to be a checkpoint.
            Assert.False(Directory.Exists(Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName)));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static Dictionary<string, string> Files(string checkpointDir, string name) => new(
        Checkpoint.ReadManifest(Path.Combine(checkpointDir, name)).Files);

    private static TrialResult Result(Trainer.Contract.TrialOptions options) =>
        JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
}
