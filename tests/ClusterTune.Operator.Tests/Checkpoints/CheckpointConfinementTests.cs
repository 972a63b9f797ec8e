using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Checkpoints;
using ClusterTune.Operator.Planning;

namespace ClusterTune.Operator.Tests.Checkpoints;

/// <summary>Issue 13 item 1: ClusterTune replaces or deletes only directories it created for the job, under the root.</summary>
public sealed partial class CheckpointManagerTests
{
    private string UserDirectory(string name)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "precious.txt"), "user data");
        return dir;
    }

    [Fact]
    public void Promote_refuses_an_existing_directory_it_did_not_create()
    {
        var existing = UserDirectory("exports");
        var job = Job(c => c.PromotePath = "file://" + existing);
        var spec = FineTuneJobDefaults.Apply(job.Spec);

        var result = Manager().Promote(job, spec, [Trial(0, 0.9, "w0")]);

        Assert.False(result.Succeeded);
        Assert.Contains("already exists and was not created by ClusterTune", result.Message);
        Assert.Contains("spec.checkpoints.promotePath", result.Message);
        Assert.Equal("user data", File.ReadAllText(Path.Combine(existing, "precious.txt")));
        Assert.False(File.Exists(Path.Combine(existing, CheckpointManager.ModelFile)));
    }

    [Fact]
    public void Promote_replaces_its_own_earlier_promotion_at_an_explicit_path()
    {
        var job = Job(c => c.PromotePath = "exports/best");
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.True(Manager().Promote(job, spec, [Trial(0, 0.5, "w0")]).Succeeded);
        _time.SetUtcNow(T0.AddMinutes(1));

        var second = Manager().Promote(job, spec, [Trial(0, 0.5, "w0"), Trial(1, 0.9, "w1")]);

        Assert.True(second.Succeeded, second.Message);
        Assert.Equal("w1", File.ReadAllText(Path.Combine(second.PromotedUri!, CheckpointManager.ModelFile)));
        Assert.Equal("u", CheckpointOwnership.OwnerOf(second.PromotedUri!));
    }

    [Fact]
    public void Delete_policy_never_removes_a_promotePath_the_job_never_wrote()
    {
        var existing = UserDirectory("exports");
        var job = Job(c => { c.DeletePolicy = CheckpointDeletePolicy.Delete; c.PromotePath = "file://" + existing; });
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.True(Manager().ClaimJobDirectory(job, spec));
        Assert.False(Manager().Promote(job, spec, [Trial(0, null, "w0", TrialPhase.Failed)]).Succeeded); // every trial failed

        var message = Manager().DeleteForJob(job, spec);

        Assert.Equal("user data", File.ReadAllText(Path.Combine(existing, "precious.txt")));
        Assert.Contains($"kept {existing}", message);
        Assert.False(Directory.Exists(Path.Combine(_root, "ml", "sweep"))); // the job's own directory goes
    }

    [Theory]
    [InlineData(CheckpointDeletePolicy.Delete)]
    [InlineData(CheckpointDeletePolicy.KeepPromoted)]
    public void A_job_directory_it_did_not_create_is_not_deleted(CheckpointDeletePolicy policy)
    {
        var job = Job(c => c.DeletePolicy = policy);
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Trial(0, 0.5, "w0"); // written there without a claim (e.g. a directory that existed before the job)

        var message = Manager().DeleteForJob(job, spec);

        Assert.True(File.Exists(Path.Combine(TrialDir(0), "best", CheckpointManager.ModelFile)));
        Assert.Contains("did not create it for this job", message);
    }

    [Fact]
    public void A_directory_claimed_by_another_job_uid_is_neither_claimed_nor_deleted()
    {
        var other = Job(c => c.DeletePolicy = CheckpointDeletePolicy.Delete);
        other.Metadata.Uid = "other";
        var spec = FineTuneJobDefaults.Apply(other.Spec);
        Assert.True(Manager().ClaimJobDirectory(other, spec));
        var job = Job(c => c.DeletePolicy = CheckpointDeletePolicy.Delete);

        Assert.False(Manager().ClaimJobDirectory(job, spec));
        Manager().DeleteForJob(job, spec);

        Assert.Equal("other", CheckpointOwnership.OwnerOf(Path.Combine(_root, "ml", "sweep")));
    }

    [Fact]
    public void A_checkpoint_reported_outside_the_job_directory_is_not_copied()
    {
        var secret = UserDirectory("other-team");
        File.WriteAllText(Path.Combine(secret, CheckpointManager.ModelFile), "theirs");
        var job = Job();
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var forged = Trial(0, 0.9, "w0");
        forged.Status!.CheckpointUri = "file://" + secret;

        var result = Manager().Promote(job, spec, [forged]);

        Assert.False(result.Succeeded);
        Assert.Contains("outside the job's directory", result.Message);
        Assert.False(Directory.Exists(Path.Combine(_root, "ml", "sweep", "best")));
    }

    [Fact]
    public void A_relative_promotePath_is_under_the_root_not_the_working_directory()
    {
        var job = Job(c => c.PromotePath = "exports/mnist");
        var result = Manager().Promote(job, FineTuneJobDefaults.Apply(job.Spec), [Trial(0, 0.9, "w0")]);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(Path.Combine(_root, "exports", "mnist"), result.PromotedUri);
        Assert.False(Directory.Exists(Path.Combine(Environment.CurrentDirectory, "exports", "mnist")));
    }

    [Fact]
    public void A_path_outside_the_root_is_a_clear_failure_not_a_write()
    {
        var outside = Path.Combine(Path.GetTempPath(), "ct-outside-" + Guid.NewGuid().ToString("N"));
        var job = Job(c => { c.PromotePath = outside; c.DeletePolicy = CheckpointDeletePolicy.Delete; });
        var spec = FineTuneJobDefaults.Apply(job.Spec);

        var result = Manager().Promote(job, spec, [Trial(0, 0.9, "w0")]);
        var deleted = Manager().DeleteForJob(job, spec);

        Assert.False(result.Succeeded);
        Assert.Contains("outside the checkpoint root", result.Message);
        Assert.Contains("not deleted", deleted);
        Assert.False(Directory.Exists(outside));
    }
}
