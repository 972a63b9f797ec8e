namespace ClusterTune.Search.Tests;

public sealed class PurityTests
{
    [Fact]
    public void Search_references_only_the_base_library()
    {
        var refs = typeof(SweepPolicy).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(refs, n => Assert.True(n == "netstandard" || n.StartsWith("System", StringComparison.Ordinal), $"ClusterTune.Search references {n}"));
        Assert.DoesNotContain(refs, n => n is "System.Net.Http" or "System.Diagnostics.Process" or "System.IO.FileSystem" or "System.Net.Sockets");
    }

    [Fact]
    public void Search_uses_no_clock_file_or_unseeded_random()
    {
        var types = typeof(SweepPolicy).Assembly.GetTypes();
        var forbidden = new[] { typeof(Random), typeof(TimeProvider), typeof(File), typeof(HttpClient), typeof(DateTime) };
        foreach (var t in types)
        {
            foreach (var f in t.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            {
                Assert.DoesNotContain(f.FieldType, forbidden);
            }
        }
    }
}
