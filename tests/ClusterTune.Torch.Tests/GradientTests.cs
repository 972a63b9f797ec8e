using static ClusterTune.Torch.Tests.GradCheck;

namespace ClusterTune.Torch.Tests;

public sealed class GradientTests
{
    [Fact]
    public void Linear() =>
        Check(x => Functional.Linear(x[0], x[1], x[2]), [Rand(1, 3, 4), Rand(2, 5, 4), Rand(3, 5)]);

    [Fact]
    public void Conv2d_WithStrideAndPadding() =>
        Check(x => Functional.Conv2d(x[0], x[1], x[2], stride: (2, 1), padding: (1, 1)), [Rand(4, 2, 2, 5, 5), Rand(5, 3, 2, 3, 3), Rand(6, 3)]);

    [Fact]
    public void LayerNorm() =>
        Check(x => Functional.LayerNorm(x[0], [4], x[1], x[2]), [Rand(7, 3, 4), Rand(8, 4), Rand(9, 4)]);

    [Fact]
    public void BatchNorm_Training()
    {
        using var scope = DisposeScope.Begin();
        Check(x => Functional.BatchNorm(x[0], null, null, x[1], x[2], training: true), [Rand(10, 4, 3, 2, 2), Rand(11, 3), Rand(12, 3)]);
    }

    [Fact]
    public void Softmax() => Check(x => x[0].Softmax(-1), [Rand(13, 3, 5)]);

    [Fact]
    public void LogSoftmax() => Check(x => x[0].LogSoftmax(1), [Rand(14, 3, 5)]);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void CrossEntropy(double labelSmoothing)
    {
        using var target = Tensor.FromArray(new long[] { 0, 4, 2 });
        Check(x => Functional.CrossEntropy(x[0], target, labelSmoothing), [Rand(15, 3, 5)]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gelu(bool tanh) => Check(x => x[0].Gelu(tanh), [Rand(16, 10)]);

    [Fact]
    public void TanhSigmoidRelu() => Check(x => x[0].Tanh() + x[0].Sigmoid() * 2 + x[0].Relu() * 3, [Rand(17, 7)]);

    [Fact]
    public void ScaledDotProductAttention_WithMask()
    {
        using var mask = Tensor.FromArray(new[] { false, false, true, false }, 1, 1, 4);
        Check(x => Functional.ScaledDotProductAttention(x[0], x[1], x[2], mask), [Rand(18, 2, 3, 4), Rand(19, 2, 4, 4), Rand(20, 2, 4, 3)]);
    }

    [Fact]
    public void PoolingAndEmbedding()
    {
        using var idx = Tensor.FromArray(new long[] { 1, 0, 1, 2 }, 2, 2);
        Check(x => Functional.MaxPool2d(x[0], (2, 2)), [Rand(21, 1, 2, 4, 4)]);
        Check(x => Functional.AvgPool2d(x[0], (2, 2)) + Functional.AdaptiveAvgPool2d(x[0], (1, 1)), [Rand(22, 1, 2, 4, 4)]);
        Check(x => Functional.Embedding(x[0], idx), [Rand(23, 3, 4)]);
    }

    [Fact]
    public void ShapeOpsAndReductions() =>
        Check(x => Tensor.Cat([x[0].Permute(1, 0), x[0].Narrow(0, 1, 2).T()], 1).Mean(1).Add(x[0].Sum()),
            [Rand(24, 3, 2)]);
}
