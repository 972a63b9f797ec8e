using ClusterTune.Cli.Local;

namespace ClusterTune.Cli.Tests;

/// <summary>What a real local sweep needs: the data and base model `make deps` puts in $CT_CACHE, and the trainer next to the tests.</summary>
internal static class LocalSweepPrerequisites
{
    /// <summary>Why a real local sweep cannot run here, or null when it can.</summary>
    public static string? Missing()
    {
        var cache = LocalCluster.DefaultCacheDirectory;
        if (!Directory.Exists(Path.Combine(cache, "data")))
        {
            return $"no training data in {cache}/data: run `make data` (or set CT_CACHE)";
        }

        if (!File.Exists(Path.Combine(cache, "models", "clustertune-cnn-fashion", "base", "manifest.json")))
        {
            return $"no base model in {cache}/models/clustertune-cnn-fashion/base: run `make pretrained` (or set CT_CACHE)";
        }

        if (!File.Exists(LocalCluster.BundledTrainer))
        {
            return $"the trainer ({LocalCluster.TrainerImage}) is not at {LocalCluster.BundledTrainer}: build tests/ClusterTune.Cli.Tests, whose build copies it there";
        }

        return null;
    }
}
