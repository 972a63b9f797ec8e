namespace ClusterTune.Api.Tests;

public sealed class PurityTests
{
    [Fact]
    public void Api_references_only_the_base_class_library()
    {
        // ClusterTune.Api is shared by the trainer, the operator and the CLI: no I/O or third-party dependencies.
        var refs = typeof(ApiJson).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(refs, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib", $"ClusterTune.Api references {r}"));
        Assert.DoesNotContain("System.Net.Http", refs);
    }
}
