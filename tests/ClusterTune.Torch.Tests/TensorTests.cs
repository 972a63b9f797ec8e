namespace ClusterTune.Torch.Tests;

public sealed class TensorTests
{
    [Fact]
    public void FromArray_RoundTripsValuesAndShape()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(ScalarType.Float32, t.DType);
        Assert.Equal("cpu", t.Device);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, t.ToArray<float>());
    }

    [Fact]
    public void ArithmeticAndMatMul_MatchHandComputedValues()
    {
        using var scope = DisposeScope.Begin();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6, 7, 8 }, 2, 2);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, a.MatMul(b).ToArray<float>());
        Assert.Equal(new float[] { 6, 8, 10, 12 }, (a + b).ToArray<float>());
        Assert.Equal(new float[] { -1, 0, 1, 2 }, (a - 2).ToArray<float>());
        Assert.Equal(new float[] { 0.5f, 1, 1.5f, 2 }, (a / 2).ToArray<float>());
        Assert.Equal(new float[] { 9, 8, 7, 6 }, (10 - a).ToArray<float>());
        Assert.Equal(new float[] { 1, 3, 2, 4 }, a.T().Contiguous().ToArray<float>());
        Assert.Equal(10.0, a.Sum().Item(), 6);
        Assert.Equal(new float[] { 2, 3 }, a.Mean(0).ToArray<float>());
        Assert.Equal(new long[] { 1, 1 }, a.ArgMax(1).ToArray<long>());
    }

    [Fact]
    public void IntegerTensorPlusWholeScalar_StaysInt64()
    {
        using var scope = DisposeScope.Begin();
        var t = Tensor.FromArray(new long[] { 1, 2, 3 });
        var r = t + 1;
        Assert.Equal(ScalarType.Int64, r.DType);
        Assert.Equal(new long[] { 2, 3, 4 }, r.ToArray<long>());
    }

    [Fact]
    public void ShapeMismatch_ThrowsTorchExceptionWithLibtorchMessage()
    {
        using var scope = DisposeScope.Begin();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 5]);
        var ex = Assert.Throws<TorchException>(() => a.MatMul(b));
        Assert.Contains("mat1 and mat2 shapes cannot be multiplied", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
        Assert.Contains("2x3", ex.FullMessage);
        // The process and the thread's state are fine afterwards.
        Assert.Equal(new long[] { 2, 5 }, a.MatMul(Tensor.Zeros([3, 5])).Shape);
    }

    [Fact]
    public void Backward_GivesAnalyticGradient()
    {
        using var scope = DisposeScope.Begin();
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_();
        var y = (x * x).Sum();
        y.Backward();
        Assert.Equal(new float[] { 2, 4, 6 }, x.Grad!.ToArray<float>());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }
}
