using ClusterTune.Trainer.Data;

namespace ClusterTune.Trainer.Tests.Data;

public sealed class DataTests
{
    [Fact]
    public void MnistSplitsAreDisjointCoverEveryClassAndHoldPixelsInUnitRange()
    {
        var train = MnistDigits.Load(TestData.Root, train: true);
        var test = MnistDigits.Load(TestData.Root, train: false);
        Assert.Equal(10_000, train.Count + test.Count);
        Assert.InRange(test.Count, 1_900, 2_100);
        Assert.Equal(28, train.Height);
        Assert.Equal(Enumerable.Range(0, 10), train.Labels.Distinct().Order());
        Assert.Equal(Enumerable.Range(0, 10), test.Labels.Distinct().Order());
        Assert.All(train.Pixels, p => Assert.InRange(p, 0f, 1f));
        var (mean, std) = train.PixelStatistics();
        Assert.InRange(mean, 0.10f, 0.16f); // MNIST's well-known mean 0.1307, std 0.3081
        Assert.InRange(std, 0.28f, 0.34f);
    }

    [Fact]
    public void FashionMnistTestSplitHasTenThousandLabelledImages()
    {
        var test = FashionMnist.Load(TestData.Root, train: false);
        Assert.Equal(10_000, test.Count);
        Assert.Equal(28 * 28, test.ImageSize);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1_000, test.Labels.Count(l => l == c)));
        var (mean, _) = test.PixelStatistics();
        Assert.InRange(mean, 0.27f, 0.30f); // Fashion-MNIST's mean is about 0.286
    }

    [Fact]
    public void CorruptIdxFileIsAClearErrorNamingTheFile()
    {
        var dir = TestData.TempDir("idx");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, FashionMnist.Directory));
            File.WriteAllBytes(Path.Combine(dir, FashionMnist.Directory, "t10k-images-idx3-ubyte.gz"), [1, 2, 3]);
            var e = Assert.ThrowsAny<Exception>(() => FashionMnist.Load(dir, train: false));
            Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void MissingDataNamesTheMakeTarget()
    {
        var e = Assert.Throws<FileNotFoundException>(() => MnistDigits.Load("/nonexistent-ct-data", train: true));
        Assert.Contains("make data", e.Message);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(10, 7)]
    [InlineData(30, 123)]
    public void FewLabelSamplerTakesExactlyNPerClassReproducibly(int perClass, int seed)
    {
        var labels = Enumerable.Range(0, 500).Select(i => i % 10).ToArray();
        var a = FewLabelSampler.Sample(labels, 10, perClass, seed);
        var b = FewLabelSampler.Sample(labels, 10, perClass, seed);
        var other = FewLabelSampler.Sample(labels, 10, perClass, seed + 1);
        Assert.Equal(a, b);
        Assert.Equal(perClass * 10, a.Length);
        Assert.Equal(a.Length, a.Distinct().Count());
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(perClass, a.Count(i => labels[i] == c)));
        Assert.NotEqual(a, other);
    }

    [Fact]
    public void FewLabelSamplerRejectsMoreLabelsThanAClassHas()
    {
        var labels = new[] { 0, 0, 1 };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FewLabelSampler.Sample(labels, 2, 2, 0));
        Assert.Contains("class 1", e.Message);
    }

    [Fact]
    public void BatchOrderIsAPermutationFixedBySeedAndEpoch()
    {
        var e0 = BatchOrder.Permutation(100, 5, 0);
        Assert.Equal(Enumerable.Range(0, 100), e0.Order());
        Assert.Equal(e0, BatchOrder.Permutation(100, 5, 0));
        Assert.NotEqual(e0, BatchOrder.Permutation(100, 5, 1));
        Assert.NotEqual(e0, BatchOrder.Permutation(100, 6, 0));
        Assert.Equal(4, BatchOrder.BatchesPerEpoch(100, 32));
        Assert.Equal(3, BatchOrder.BatchesPerEpoch(96, 32));
    }

    [Fact]
    public void NormalizationAndSubsetKeepLabelsAlignedWithPixels()
    {
        var data = new ImageDataset("t", [0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f], [0, 1], 2, 2, 2);
        var subset = data.Subset([1, 0]);
        Assert.Equal([1, 0], subset.Labels);
        Assert.Equal([4f, 5f, 6f, 7f, 0f, 1f, 2f, 3f], subset.Pixels);
        var (mean, std) = data.PixelStatistics();
        Assert.Equal(3.5f, mean, 5);
        var normalized = data.Normalized(mean, std).PixelStatistics();
        Assert.Equal(0f, normalized.Mean, 5);
        Assert.Equal(1f, normalized.Std, 4);
        var pixels = new float[4];
        var labels = new long[1];
        data.Gather([1], pixels, labels);
        Assert.Equal([4f, 5f, 6f, 7f], pixels);
        Assert.Equal(1L, labels[0]);
    }
}
