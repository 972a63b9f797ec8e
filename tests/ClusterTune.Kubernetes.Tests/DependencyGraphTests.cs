using System.Xml.Linq;

namespace ClusterTune.Kubernetes.Tests;

/// <summary>The project reference graph the design requires: Api → k8s models; the controller library → KubernetesClient only.</summary>
public sealed class DependencyGraphTests
{
    private static string RepoFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterTune.sln")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }
        throw new InvalidOperationException("ClusterTune.sln not found above " + AppContext.BaseDirectory);
    }

    private static (List<string> Projects, List<string> Packages) References(params string[] csproj)
    {
        var doc = XDocument.Load(RepoFile(csproj));
        return (doc.Descendants("ProjectReference").Select(e => (string)e.Attribute("Include")!).ToList(),
            doc.Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!).ToList());
    }

    [Fact]
    public void The_controller_library_references_KubernetesClient_and_nothing_of_ClusterTune()
    {
        var (projects, packages) = References("src", "ClusterTune.Kubernetes", "ClusterTune.Kubernetes.csproj");
        Assert.Empty(projects);
        Assert.Equal(["KubernetesClient", "Microsoft.Extensions.Logging.Abstractions"], packages.Order(StringComparer.Ordinal));
        // The compiled assembly agrees (no reference sneaks in through another route).
        var assemblies = typeof(Informers.Informer<>).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("KubernetesClient", assemblies);
        Assert.DoesNotContain(assemblies, a => a.StartsWith("ClusterTune", StringComparison.Ordinal));
    }

    [Fact]
    public void Api_references_no_project_and_only_the_KubernetesClient_package()
    {
        var (projects, packages) = References("src", "ClusterTune.Api", "ClusterTune.Api.csproj");
        Assert.Empty(projects);
        Assert.Equal(["KubernetesClient"], packages);
    }
}
