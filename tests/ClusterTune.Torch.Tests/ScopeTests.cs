namespace ClusterTune.Torch.Tests;

public sealed class ScopeTests
{
    [Fact]
    public void NoGrad_StopsRecordingAndRestoresPreviousMode()
    {
        using var scope = DisposeScope.Begin();
        var x = Tensor.Ones([3]).RequiresGrad_();
        Assert.True(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled);
            Assert.False((x * 2).RequiresGrad);
            using (Torch.EnableGrad()) Assert.True((x * 2).RequiresGrad);
            Assert.False(Torch.IsGradEnabled);
        }
        Assert.True(Torch.IsGradEnabled);
        Assert.True((x * 2).RequiresGrad);
    }

    [Fact]
    public void NoGrad_IsPerThread()
    {
        using (Torch.NoGrad())
        {
            var other = true;
            var t = new Thread(() => other = Torch.IsGradEnabled);
            t.Start();
            t.Join();
            Assert.True(other);
            Assert.False(Torch.IsGradEnabled);
        }
    }

    [Fact]
    public void DisposeScope_DisposesWhatWasCreatedInside_ExceptKeptTensors()
    {
        Tensor inner, kept, moved;
        var outside = Tensor.Zeros([2]);
        using (var outer = DisposeScope.Begin())
        {
            using (var scope = DisposeScope.Begin())
            {
                inner = outside + 1;
                kept = DisposeScope.Keep(outside + 2);
                moved = scope.MoveToOuter(outside + 3);
                Assert.Equal(1, scope.Count);
            }
            Assert.True(inner.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.False(moved.IsDisposed);
            Assert.Equal(new float[] { 3, 3 }, moved.ToArray<float>());
        }
        Assert.True(moved.IsDisposed);
        Assert.False(kept.IsDisposed);
        Assert.False(outside.IsDisposed);
        Assert.Equal(new float[] { 2, 2 }, kept.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => inner.ToArray<float>());
        kept.Dispose();
        outside.Dispose();
    }

    [Fact]
    public void GradientOfDisposedIntermediates_StillFlows()
    {
        using var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        Tensor loss;
        using (var scope = DisposeScope.Begin())
        {
            var h = x * 3;
            loss = scope.MoveToOuter(h.Square().Sum());
        }
        loss.Backward();
        using var g = x.Grad!;
        Assert.Equal(new float[] { 18, 36 }, g.ToArray<float>());
        loss.Dispose();
    }
}
