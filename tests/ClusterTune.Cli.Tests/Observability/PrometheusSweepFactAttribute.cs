using ClusterTune.Cli.Local;

namespace ClusterTune.Cli.Tests.Observability;

/// <summary>
/// A fact that needs Debian's prometheus, the trainer next to the tests, and the data and base model `make data
/// pretrained` puts in $CT_CACHE (default ~/.cache/clustertune); skipped with the reason when one is missing.
/// </summary>
public sealed class PrometheusSweepFactAttribute : FactAttribute
{
    public PrometheusSweepFactAttribute()
    {
        Skip = SkipReason();
    }

    /// <summary>$CT_CACHE or ~/.cache/clustertune.</summary>
    public static string CacheDirectory => LocalCluster.DefaultCacheDirectory;

    /// <summary>Where LocalCluster looks for the trainer.</summary>
    public static string TrainerPath => LocalCluster.BundledTrainer;

    private static string? SkipReason()
    {
        if (PrometheusServer.BinaryPath is null)
        {
            return "prometheus not found on PATH: install Debian's prometheus package (make deps does, via mk/telemetry.mk)";
        }

        return LocalSweepPrerequisites.Missing();
    }
}
