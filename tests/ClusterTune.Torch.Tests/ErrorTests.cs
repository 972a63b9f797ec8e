namespace ClusterTune.Torch.Tests;

public sealed class ErrorTests
{
    public static TheoryData<string> Failures => new() { "conv-channels", "view", "cross-entropy-dtype", "cat", "item", "backward-non-scalar", "device" };

    [Theory]
    [MemberData(nameof(Failures))]
    public void LibtorchErrors_BecomeTorchExceptions_AndTheProcessCarriesOn(string kind)
    {
        using var scope = DisposeScope.Begin();
        Action act = kind switch
        {
            "conv-channels" => () => Functional.Conv2d(Tensor.Zeros([1, 3, 8, 8]), Tensor.Zeros([4, 2, 3, 3])),
            "view" => () => Tensor.Zeros([2, 3]).T().View(6),
            "cross-entropy-dtype" => () => Functional.CrossEntropy(Tensor.Zeros([2, 3]), Tensor.Zeros([2])),
            "cat" => () => Tensor.Cat([Tensor.Zeros([2, 3]), Tensor.Zeros([2, 4])], 0),
            "item" => () => Tensor.Zeros([2]).Item(),
            "backward-non-scalar" => () => Tensor.Zeros([2]).RequiresGrad_().Mul(2).Backward(),
            "device" => () => Tensor.Zeros([2]).To("no-such-device"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var ex = Assert.Throws<TorchException>(act);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.StartsWith(ex.Message.Split(' ')[0], ex.FullMessage.TrimStart());
        // The next call on the same thread works and does not see a stale error.
        Assert.Equal(4.0, (Tensor.Ones([2]) * 2).Sum().Item());
    }

    [Fact]
    public void ErrorsOnManyThreads_KeepTheirOwnMessages()
    {
        var messages = new string[4];
        var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
        {
            using var scope = DisposeScope.Begin();
            try { Tensor.Zeros([2, i + 1]).MatMul(Tensor.Zeros([7, 2])); }
            catch (TorchException e) { messages[i] = e.Message; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        for (var i = 0; i < 4; i++) Assert.Contains($"2x{i + 1} and 7x2", messages[i]);
    }

    [Fact]
    public void UsingADisposedTensor_ThrowsObjectDisposed()
    {
        var t = Tensor.Zeros([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Add(1));
    }
}
