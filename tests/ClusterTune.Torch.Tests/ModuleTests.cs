using ClusterTune.Torch.Modules;

namespace ClusterTune.Torch.Tests;

public sealed class ModuleTests
{
    private sealed class Block : Module
    {
        public Block(Generator g)
        {
            Conv = RegisterModule("conv", new Conv2d(2, 4, 3, padding: 1, generator: g));
            Bn = RegisterModule("bn", new BatchNorm2d(4));
        }

        public Conv2d Conv { get; }
        public BatchNorm2d Bn { get; }

        public override Tensor Forward(Tensor input)
        {
            using var c = Child("conv").Forward(input);
            return Child("bn").Forward(c);
        }
    }

    private sealed class Net : Module
    {
        public Net(Generator g)
        {
            Blocks = RegisterModule("blocks", new Sequential(new Block(g)));
            Head = RegisterModule("head", new Linear(4, 3, generator: g));
        }

        public Sequential Blocks { get; }
        public Linear Head { get; }

        public override Tensor Forward(Tensor input)
        {
            using var h = Child("blocks").Forward(input);
            using var pooled = Functional.AdaptiveAvgPool2d(h, (1, 1));
            using var flat = pooled.Flatten(1);
            return Child("head").Forward(flat);
        }
    }

    [Fact]
    public void NamedParametersAndBuffers_UseDottedPyTorchNames()
    {
        using var g = new Generator(1);
        using var net = new Net(g);
        Assert.Equal(["blocks.0.conv.weight", "blocks.0.conv.bias", "blocks.0.bn.weight", "blocks.0.bn.bias", "head.weight", "head.bias"],
            net.NamedParameters().Select(p => p.Name));
        Assert.Equal(["blocks.0.bn.running_mean", "blocks.0.bn.running_var", "blocks.0.bn.num_batches_tracked"],
            net.NamedBuffers().Select(p => p.Name));
        Assert.Same(net.Blocks[0], net.GetSubmodule("blocks.0"));
        Assert.Equal(["", "blocks", "blocks.0", "blocks.0.conv", "blocks.0.bn", "head"], net.NamedModules().Select(m => m.Name));
        Assert.Equal(2 * 4 * 9 + 4 + 4 + 4 + 4 * 3 + 3, net.CountParameters());
    }

    [Fact]
    public void Init_IsSeededAndWithinKaimingBounds()
    {
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        using var a = new Linear(100, 20, generator: g1);
        using var b = new Linear(100, 20, generator: g2);
        var w = a.Weight.ToArray<float>();
        Assert.Equal(w, b.Weight.ToArray<float>());
        Assert.All(w, v => Assert.InRange(v, -0.1f, 0.1f));
        Assert.True(w.Max() > 0.09f && w.Min() < -0.09f);
    }

    [Fact]
    public void BatchNorm_TrainUpdatesRunningStats_EvalUsesThem()
    {
        using var scope = DisposeScope.Begin();
        using var bn = new BatchNorm2d(2);
        var x = Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), 2, 2, 2, 2);
        bn.Forward(x);
        // channel 0 holds 0..3 and 8..11: mean 5.5; running = 0.9·0 + 0.1·5.5
        Assert.Equal(0.55f, bn.RunningMean.ToArray<float>()[0], 5);
        Assert.Equal(1L, bn.NumBatchesTracked.Item<long>());
        bn.Eval();
        var y = bn.Forward(x).ToArray<float>();
        var rm = bn.RunningMean.ToArray<float>()[0];
        var rv = bn.RunningVar.ToArray<float>()[0];
        Assert.Equal((0 - rm) / MathF.Sqrt(rv + 1e-5f), y[0], 4);
        Assert.Equal(1L, bn.NumBatchesTracked.Item<long>());
    }

    [Fact]
    public void Dropout_OnlyInTraining()
    {
        using var scope = DisposeScope.Begin();
        var d = new Dropout(0.5);
        var x = Tensor.Ones([1000]);
        Torch.ManualSeed(3);
        var train = d.Forward(x).ToArray<float>();
        Assert.Contains(0f, train);
        Assert.Contains(2f, train);
        d.Eval();
        Assert.All(d.Forward(x).ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void StateDict_LoadsIntoAFreshModel_AndRejectsMismatches()
    {
        using var g1 = new Generator(1);
        using var g2 = new Generator(2);
        using var a = new Net(g1);
        using var b = new Net(g2);
        var weightBefore = b.Head.Weight;
        b.LoadStateDict(a.StateDict());
        Assert.Same(weightBefore, b.Head.Weight);
        foreach (var (name, t) in a.StateDict())
            Assert.Equal(t.ToArray<double>(), b.StateDict()[name].ToArray<double>());

        using var wrong = Tensor.Zeros([3, 5]);
        var bad = a.StateDict();
        bad["head.weight"] = wrong;
        var ex = Assert.Throws<ArgumentException>(() => b.LoadStateDict(bad));
        Assert.Contains("head.weight", ex.Message);
        bad.Remove("head.weight");
        bad["extra.weight"] = wrong;
        ex = Assert.Throws<ArgumentException>(() => b.LoadStateDict(bad));
        Assert.Contains("missing [head.weight]", ex.Message);
        Assert.Contains("unexpected [extra.weight]", ex.Message);
        bad.Remove("extra.weight");
        var partial = b.LoadStateDict(bad, strict: false);
        Assert.Equal(["head.weight"], partial.Missing);
    }

    [Fact]
    public void ReplaceChild_SwapsAHead()
    {
        using var g = new Generator(1);
        using var net = new Net(g);
        using var old = net.ReplaceChild("head", new Linear(4, 10, generator: g));
        Assert.Equal(new long[] { 10, 4 }, ((Linear)net.GetSubmodule("head")).Weight.Shape);
        using var scope = DisposeScope.Begin();
        Assert.Equal(new long[] { 2, 10 }, net.Forward(Tensor.Zeros([2, 2, 5, 5])).Shape);
    }

    [Fact]
    public void TransformerEncoderLayer_HasPyTorchNames_AndIgnoresPaddedKeys()
    {
        using var g = new Generator(9);
        using var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0.1, gelu: true, generator: g);
        Assert.Equal([
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
        ], layer.NamedParameters().Select(p => p.Name));
        layer.Eval();
        using var scope = DisposeScope.Begin();
        var x = Tensor.Randn([2, 5, 8], g);
        var mask = Tensor.FromArray(new[] { false, false, false, true, true, false, false, false, false, false }, 2, 5);
        var y1 = layer.Forward(x, mask);
        Assert.Equal(new long[] { 2, 5, 8 }, y1.Shape);
        // Changing padded positions (batch 0, positions 3-4) leaves the outputs at real positions unchanged.
        var noise = Tensor.Randn([2, 5, 8], g).Mul(Tensor.FromArray(new float[] { 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 }, 2, 5, 1));
        var y2 = layer.Forward(x + noise, mask);
        var a = y1.Narrow(0, 0, 1).Narrow(1, 0, 3).ToArray<float>();
        var b = y2.Narrow(0, 0, 1).Narrow(1, 0, 3).ToArray<float>();
        for (var i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 5);
        // Pre-norm variant runs too, and gradients reach every parameter.
        using var pre = new TransformerEncoderLayer(8, 2, 16, 0, normFirst: true, generator: g);
        pre.Forward(x, mask).Square().Mean().Backward();
        Assert.All(pre.Parameters(), p => Assert.NotNull(p.Grad));
    }
}
