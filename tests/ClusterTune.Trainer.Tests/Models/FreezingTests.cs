using ClusterTune.Torch;
using ClusterTune.Torch.Optim;
using ClusterTune.Trainer.Models;

namespace ClusterTune.Trainer.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class FreezingTests
{
    // Hand-computed from the layer shapes: stem 16x9 (+16), blocks 32x144 (+32), 32x288 (+32), 64x288 (+64),
    // fc 128x576 (+128), head 10x128 (+10) = 107 690; a rank-r adapter on an out x in matrix adds r(out + in).
    [Theory]
    [InlineData(0, 0, "conv,linear", 107_690, 107_690)]
    [InlineData(1, 0, "conv,linear", 102_890, 107_690)]
    [InlineData(2, 0, "conv,linear", 93_642, 107_690)]
    [InlineData(4, 0, "conv,linear", 1_290, 107_690)]
    [InlineData(0, 4, "conv,linear", 7_870, 113_998)]
    [InlineData(1, 4, "conv,linear", 7_018, 113_194)]
    [InlineData(2, 2, "conv", 2_186, 108_394)]
    [InlineData(3, 2, "linear", 2_826, 109_098)]
    [InlineData(4, 8, "conv,linear", 1_290, 107_690)]
    public void TrainableCountsAndFrozenParametersFollowTheKnobs(int freezeDepth, int rank, string targets, long trainable, long total)
    {
        using var generator = new Generator(5);
        using var model = new ReferenceCnn(10, generator);
        var plan = FineTuneSetup.Apply(model, freezeDepth, rank, rank, targets.Split(','), generator);
        Assert.Equal(trainable, plan.TrainableParameters);
        Assert.Equal(total, plan.TotalParameters);
        Assert.Equal((double)trainable / total, plan.TrainableFraction, 12);
        Assert.All(plan.Head, h => Assert.StartsWith("head.", h.Name));
        Assert.Equal(trainable, plan.Adapted.Concat(plan.Head).Sum(p => p.Parameter.NumElements));

        var frozenPrefixes = ReferenceCnn.FrozenPrefixes(freezeDepth);
        Assert.All(model.NamedParameters().Where(p => frozenPrefixes.Any(p.Name.StartsWith)), p => Assert.False(p.Parameter.RequiresGrad, p.Name));
        if (rank > 0)
        {
            Assert.All(model.NamedParameters().Where(p => p.Name.EndsWith(".weight", StringComparison.Ordinal) && !p.Name.StartsWith("head.", StringComparison.Ordinal)),
                p => Assert.False(p.Parameter.RequiresGrad, p.Name));
        }

        var before = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.ToArray<float>());
        var groups = new List<ParamGroup> { new(plan.Head.Select(h => h.Parameter).ToList(), 1e-2, 0.01, "head") };
        if (plan.Adapted.Count > 0)
        {
            groups.Add(new ParamGroup(plan.Adapted.Select(h => h.Parameter).ToList(), 1e-2, 0.01, "adapted"));
        }

        using var optimizer = new AdamW(groups);
        model.Train();
        for (var step = 0; step < 3; step++)
        {
            using var scope = Torch.Torch.NewDisposeScope();
            var input = Tensor.Randn([16, 1, 28, 28], generator);
            var labels = Tensor.RandInt(0, 10, [16], generator);
            var loss = Functional.CrossEntropy(model.Forward(input), labels);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }

        foreach (var (name, p) in model.NamedParameters())
        {
            var after = p.ToArray<float>();
            if (p.RequiresGrad)
            {
                Assert.NotEqual(before[name], after);
            }
            else
            {
                Assert.Equal(before[name], after);
            }
        }
    }

    [Fact]
    public void FreezeDepthBeyondTheBlocksIsAClearError() =>
        Assert.Contains("freezeDepth", Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceCnn.FrozenPrefixes(5)).Message);
}
