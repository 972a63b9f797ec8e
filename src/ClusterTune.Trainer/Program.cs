using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer;

/// <summary>Entry point of the trial program: `train` (default, the trial contract) or `pretrain` (base checkpoint).</summary>
public static class Program
{
    /// <summary>$CT_DATA_URI's default: $CT_CACHE/data, CT_CACHE defaulting to ~/.cache/clustertune (what `make data` fills).</summary>
    public static string DefaultDataPath(Func<string, string?> environment)
    {
        var cache = environment("CT_CACHE");
        if (string.IsNullOrEmpty(cache))
        {
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clustertune");
        }

        return Path.Combine(cache, "data");
    }

    public static int Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.Out.WriteLine(Usage());
            return 0;
        }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        TrialOptions options;
        try
        {
            options = TrialOptions.Parse(environment, args, DefaultDataPath(Environment.GetEnvironmentVariable));
        }
        catch (TrialConfigurationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        Console.Error.WriteLine($"{options.Command}: not available in this build");
        return ExitCodes.Failed;
    }

    private static string Usage()
    {
        var lines = new List<string>
        {
            "usage: ClusterTune.Trainer [train|pretrain] [--option value ...]",
            "Every option can also come from the environment variable shown (flags win).",
        };
        lines.AddRange(TrialOptions.Flags.Select(f => $"  {f.Flag,-28} {f.Env,-30} {f.Help}"));
        return string.Join(Environment.NewLine, lines);
    }
}
