namespace ClusterTune.Api.Tests;

public sealed class PurityTests
{
    [Fact]
    public void Api_references_only_the_base_class_library_and_KubernetesClient_models()
    {
        // ClusterTune.Api is shared by the trainer, the operator and the CLI: its object metadata, conditions and
        // pod-level fields are KubernetesClient's k8s.Models; nothing else third-party, and no ClusterTune project.
        var refs = typeof(ApiJson).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("KubernetesClient", refs);
        Assert.All(refs, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib" or "KubernetesClient",
            $"ClusterTune.Api references {r}"));
        Assert.DoesNotContain("System.Net.Http", refs);
    }
}
