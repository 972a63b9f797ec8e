namespace ClusterTune.Testing;

/// <summary>Locates files of the checkout (the directory holding ClusterTune.sln).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterTune.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ClusterTune.sln not found above {AppContext.BaseDirectory}.");
    }
}
