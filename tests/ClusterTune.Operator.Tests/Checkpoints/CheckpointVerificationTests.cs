using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Planning;
using k8s.Models;

namespace ClusterTune.Operator.Tests.Checkpoints;

/// <summary>Checkpoints are checked against their manifest before they are promoted or resumed from.</summary>
public sealed class CheckpointVerificationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ct-verify-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string TrialDir => Path.Combine(_root, "ml", "sweep", "trials", "sweep-0");

    /// <summary>Writes a checkpoint whose manifest lists the weights' SHA-256 at epoch <paramref name="epoch"/>.</summary>
    private string Write(string name, string weights, int epoch)
    {
        var dir = Path.Combine(TrialDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, CheckpointManager.ModelFile), weights);
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(weights)));
        File.WriteAllText(Path.Combine(dir, CheckpointVerifier.ManifestFile),
            JsonSerializer.Serialize(new { epoch, step = epoch * 10, files = new Dictionary<string, string> { [CheckpointManager.ModelFile] = sha } }));
        return dir;
    }

    private (FineTuneJob Job, EffectiveSpec Spec, Trial Trial) Sweep(string checkpoint)
    {
        var job = new FineTuneJob
        {
            Metadata = new V1ObjectMeta { Name = "sweep", NamespaceProperty = "ml", Uid = "u", Generation = 1 },
            Spec = new FineTuneJobSpec
            {
                Model = new ModelSpec { BaseCheckpointUri = "file:///m" },
                Dataset = new DatasetSpec { TrainUri = "file:///d" },
                Trainer = new TrainerSpec { Image = "i" },
                Checkpoints = new CheckpointSpec(),
            },
        };
        var trial = new Trial
        {
            Metadata = new V1ObjectMeta { Name = "sweep-0", NamespaceProperty = "ml" },
            Spec = new TrialSpec { JobName = "sweep", Index = 0, Params = new() { ["lrFactor"] = 0.1 } },
            Status = new TrialStatus { Phase = TrialPhase.Succeeded, Objective = 0.9, CheckpointUri = "file://" + checkpoint, Metrics = new() { ["accuracy"] = 0.9 } },
        };
        return (job, FineTuneJobDefaults.Apply(job.Spec), trial);
    }

    [Fact]
    public void A_best_checkpoint_whose_weights_do_not_match_the_manifest_is_not_promoted_and_the_condition_says_why()
    {
        var best = Write("best", "weights-v1", 3);
        File.AppendAllText(Path.Combine(best, CheckpointManager.ModelFile), "bitrot");
        var (job, spec, trial) = Sweep(best);

        var result = new CheckpointManager("file://" + _root, TimeProvider.System).Promote(job, spec, [trial]);

        Assert.False(result.Succeeded);
        Assert.Contains("checkpoint of trial sweep-0 failed verification and was not promoted", result.Message);
        Assert.Contains($"{Path.Combine(best, CheckpointManager.ModelFile)} has SHA-256", result.Message);
        Assert.Contains("the file is corrupt or was replaced", result.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "ml", "sweep", "best")));
        var status = JobPlanner.WithPromotion(new FineTuneJobStatus { BestTrial = new BestTrial { Name = "sweep-0" } }, result, 1, DateTimeOffset.UnixEpoch);
        var condition = Conditions.Find(status.Conditions, ConditionTypes.CheckpointPromoted)!;
        Assert.Equal(("False", ConditionReasons.PromotionFailed), (condition.Status, condition.Reason));
        Assert.Contains("failed verification", condition.Message);
    }

    [Fact]
    public void A_best_checkpoint_that_matches_its_manifest_is_promoted()
    {
        var (job, spec, trial) = Sweep(Write("best", "weights-v1", 3));
        var result = new CheckpointManager("file://" + _root, TimeProvider.System).Promote(job, spec, [trial]);
        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("weights-v1", File.ReadAllText(Path.Combine(_root, "ml", "sweep", "best", CheckpointManager.ModelFile)));
    }

    [Fact]
    public void The_newest_verified_checkpoint_is_found_for_a_resume()
    {
        Assert.Null(CheckpointVerifier.NewestValid(TrialDir));
        var best = Write("best", "epoch-2", 2);
        Assert.Equal(best, CheckpointVerifier.NewestValid(TrialDir));
        var last = Write("last", "epoch-3", 3);
        Assert.Equal(last, CheckpointVerifier.NewestValid(TrialDir));

        // A corrupt last/ falls back to best/; a manifest that lists a path outside the directory is not trusted.
        File.WriteAllText(Path.Combine(last, CheckpointManager.ModelFile), "torn");
        Assert.Equal(best, CheckpointVerifier.NewestValid(TrialDir));
        File.WriteAllText(Path.Combine(best, CheckpointVerifier.ManifestFile), """{"epoch":2,"files":{"../x":"00","model.safetensors":"00"}}""");
        Assert.Null(CheckpointVerifier.NewestValid(TrialDir));
        Assert.Contains("not a plain file name", CheckpointVerifier.Verify(best, CheckpointManager.ModelFile));
        File.Delete(Path.Combine(best, CheckpointVerifier.ManifestFile));
        Assert.Contains("is missing, so the checkpoint cannot be verified", CheckpointVerifier.Verify(best, CheckpointManager.ModelFile));
    }
}
