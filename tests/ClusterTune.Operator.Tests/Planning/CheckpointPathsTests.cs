using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Every checkpoint path resolves under the operator's root; escapes are reported with the field path.</summary>
public sealed class CheckpointPathsTests
{
    private const string Root = "/var/ct";

    private static FineTuneJobSpec Spec(string? storageRoot = null, string? promotePath = null) =>
        new() { Checkpoints = new CheckpointSpec { StorageRoot = storageRoot, PromotePath = promotePath } };

    public static TheoryData<string?, string?, string> Escapes => new()
    {
        { "../etc", null, "spec.checkpoints.storageRoot" },
        { "file:///var/ct/%2e%2e/etc", null, "spec.checkpoints.storageRoot" },
        { "/etc", null, "spec.checkpoints.storageRoot" },
        { "/var/ctx", null, "spec.checkpoints.storageRoot" }, // a sibling sharing the prefix
        { null, "/home/user/models", "spec.checkpoints.promotePath" },
        { null, "exports/../../outside", "spec.checkpoints.promotePath" },
        { null, "file:///var/ct/a/%2E%2E/%2e%2e/x", "spec.checkpoints.promotePath" },
        { null, "/var/ct", "spec.checkpoints.promotePath" }, // the root itself
        { null, ".", "spec.checkpoints.promotePath" },
    };

    [Theory]
    [MemberData(nameof(Escapes))]
    public void A_path_that_leaves_the_root_is_an_error_naming_the_field(string? storageRoot, string? promotePath, string field)
    {
        var error = Assert.Single(CheckpointPaths.Check(Spec(storageRoot, promotePath), "file://" + Root));
        Assert.Equal(field, error.Path);
        Assert.Contains(Root, error.Problem);
    }

    [Theory]
    [InlineData(null, null, "/var/ct/ml/sweep/trials/sweep-0", "/var/ct/ml/sweep/best")]
    [InlineData("team-a", "exports/best", "/var/ct/team-a/ml/sweep/trials/sweep-0", "/var/ct/exports/best")]
    [InlineData("file:///var/ct/shared", "file:///var/ct/exports/a%20b", "/var/ct/shared/ml/sweep/trials/sweep-0", "/var/ct/exports/a b")]
    [InlineData("/var/ct/x/../y", null, "/var/ct/y/ml/sweep/trials/sweep-0", "/var/ct/y/ml/sweep/best")]
    public void Paths_under_the_root_resolve_against_it(string? storageRoot, string? promotePath, string trialDir, string promoted)
    {
        var spec = Spec(storageRoot, promotePath);
        var job = new FineTuneJob { Metadata = new() { Name = "sweep", NamespaceProperty = "ml" }, Spec = spec };
        Assert.Empty(CheckpointPaths.Check(spec, Root));
        Assert.Equal(trialDir, CheckpointPaths.TrialDirectory(job, spec, Root, "sweep-0"));
        Assert.Equal(promoted, CheckpointPaths.PromotePath(job, spec, Root));
    }

    [Fact]
    public void Resolving_an_escaping_path_throws_instead_of_returning_it()
    {
        var job = new FineTuneJob { Metadata = new() { Name = "sweep", NamespaceProperty = "ml" }, Spec = Spec("../../etc") };
        var e = Assert.Throws<InvalidOperationException>(() => CheckpointPaths.JobDirectory(job, job.Spec, Root));
        Assert.Contains("outside the checkpoint root", e.Message);
    }

    [Theory]
    [InlineData("/var/ct", null)]
    [InlineData("/var/ct/team-a", "team-a")]
    public void SubPath_is_the_storage_root_relative_to_the_root(string resolved, string? expected) =>
        Assert.Equal(expected, CheckpointPaths.SubPath(resolved, Root));
}
