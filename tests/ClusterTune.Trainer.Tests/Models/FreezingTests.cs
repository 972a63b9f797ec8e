using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

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
        torch.manual_seed(5);
        using var model = new ReferenceCnn(10, new FineTuneKnobs(freezeDepth, rank, rank, targets.Split(',')));
        var plan = FineTuneSetup.Apply(model);
        Assert.Equal(trainable, plan.TrainableParameters);
        Assert.Equal(total, plan.TotalParameters);
        Assert.Equal((double)trainable / total, plan.TrainableFraction, 12);
        Assert.All(plan.Head, h => Assert.StartsWith("head.", h.Name));
        Assert.Equal(trainable, plan.Trainable.Sum(p => p.Parameter.numel()));

        var frozenPrefixes = ReferenceCnn.FrozenPrefixes(freezeDepth);
        var parameters = model.named_parameters().ToList();
        Assert.All(parameters.Where(p => frozenPrefixes.Any(p.name.StartsWith)), p => Assert.False(p.parameter.requires_grad, p.name));
        if (rank > 0)
        {
            Assert.All(parameters.Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && !p.name.StartsWith("head.", StringComparison.Ordinal)),
                p => Assert.False(p.parameter.requires_grad, p.name));
        }

        var before = parameters.ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
        using var optimizer = new GroupedAdamW(
            [("head", plan.Head.Select(h => h.Parameter).ToList(), 1e-2), ("adapted", plan.Adapted.Select(h => h.Parameter).ToList(), 1e-2)], 0.01);
        model.train();
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var input = randn(16, 1, 28, 28);
            var labels = randint(0, 10, [16]);
            var loss = F.cross_entropy(model.forward(input), labels);
            optimizer.Optimizer.zero_grad();
            loss.backward();
            optimizer.Optimizer.step();
        }

        foreach (var (name, p) in model.named_parameters())
        {
            var after = p.data<float>().ToArray();
            if (p.requires_grad)
            {
                Assert.NotEqual(before[name], after);
            }
            else
            {
                Assert.Equal(before[name], after);
            }
        }
    }

    // The operator's pre-start check counts from ArchitectureShape; it must agree with the model the trainer builds.
    [Fact]
    public void TheOperatorsShapeCountMatchesTheBuiltModelForEveryKnobSetting()
    {
        Assert.Equal(ReferenceCnn.Architecture, ArchitectureShape.ReferenceCnn.Name);
        Assert.Equal(ReferenceCnn.Blocks, ArchitectureShape.ReferenceCnn.BlockCount);
        foreach (var targets in new[] { "conv,linear", "conv", "linear" })
        {
            for (var depth = 0; depth <= ReferenceCnn.Blocks; depth++)
            {
                foreach (var rank in new[] { 0, 1, 4, 16 })
                {
                    using var model = new ReferenceCnn(10, new FineTuneKnobs(depth, rank, null, targets.Split(',')));
                    var plan = FineTuneSetup.Apply(model);
                    var counted = ArchitectureShape.ReferenceCnn.Count(depth, rank, targets.Split(','));
                    Assert.True(counted == (plan.TrainableParameters, plan.TotalParameters),
                        $"depth {depth} rank {rank} targets {targets}: shape {counted}, model {(plan.TrainableParameters, plan.TotalParameters)}");
                }
            }
        }

        Assert.Null(ArchitectureShape.ReferenceCnn.Count(ReferenceCnn.Blocks + 1, 0));
    }

    [Fact]
    public void FreezeDepthBeyondTheBlocksIsAClearError() =>
        Assert.Contains("freezeDepth", Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceCnn.FrozenPrefixes(5)).Message);
}
