namespace ClusterTune.Trainer.Tests;

/// <summary>Locates the data cache that `make data` fills (a prerequisite of `make test`).</summary>
internal static class TestData
{
    public static string Root
    {
        get
        {
            var root = Program.DefaultDataPath(Environment.GetEnvironmentVariable);
            if (!File.Exists(Path.Combine(root, "mnist", "0.json")))
            {
                throw new InvalidOperationException($"data cache {root} is empty: run 'make data' first");
            }

            return root;
        }
    }

    public static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ct-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
