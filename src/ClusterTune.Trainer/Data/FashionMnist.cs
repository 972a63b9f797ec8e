namespace ClusterTune.Trainer.Data;

/// <summary>Fashion-MNIST (Debian <c>dataset-fashion-mnist</c>) as fetched by <c>make data</c> into &lt;data&gt;/fashion-mnist.</summary>
public static class FashionMnist
{
    public const string Directory = "fashion-mnist";
    public const int ClassCount = 10;

    /// <summary>Loads the 60 000-image training split (<paramref name="train"/>) or the 10 000-image test split.</summary>
    public static ImageDataset Load(string dataRoot, bool train)
    {
        var prefix = train ? "train" : "t10k";
        var dir = Path.Combine(dataRoot, Directory);
        var (pixels, count, height, width) = IdxFile.ReadImages(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"));
        var labels = IdxFile.ReadLabels(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"));
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{dir}: {count} images but {labels.Length} labels in the {prefix} split");
        }

        return new ImageDataset($"fashion-mnist/{prefix}", pixels, labels, height, width, ClassCount);
    }
}
