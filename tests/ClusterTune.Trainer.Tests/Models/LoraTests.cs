using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class LoraTests
{
    private static float[] Outputs(ReferenceCnn model, Tensor input)
    {
        model.eval();
        using var noGrad = no_grad();
        using var output = model.forward(input);
        return output.data<float>().ToArray();
    }

    private static ReferenceCnn Base(int seed)
    {
        torch.manual_seed(seed);
        return new ReferenceCnn(10);
    }

    [Theory]
    [InlineData(0, 4, new[] { "conv", "linear" }, "stem.conv,blocks.0.conv,blocks.1.conv,blocks.2.conv,blocks.3.fc")]
    [InlineData(2, 8, new[] { "conv" }, "blocks.2.conv")]
    [InlineData(1, 1, new[] { "linear" }, "blocks.3.fc")]
    public void FreshAdaptersOnTheBaseWeightsLeaveOutputsExactlyUnchanged(int freezeDepth, int rank, string[] targets, string adapters)
    {
        using var plain = Base(1);
        torch.manual_seed(9);
        using var input = randn(8, 1, 28, 28);
        using var adapted = new ReferenceCnn(10, new FineTuneKnobs(freezeDepth, rank, 2.0 * rank, targets));
        TrialCheckpoint.CopyInto(adapted, plain.state_dict(), name => !name.Contains("lora", StringComparison.Ordinal), "base");
        Assert.Equal(adapters, string.Join(",", adapted.Layers().Where(l => l.Layer.Rank > 0).Select(l => l.Name)));
        Assert.Equal(Outputs(plain, input), Outputs(adapted, input));
    }

    [Fact]
    public void MergedWeightsGiveTheSameOutputsAsTheUnmergedAdapters()
    {
        using var baseModel = Base(2);
        using var model = new ReferenceCnn(10, new FineTuneKnobs(0, 4, 8, ["conv", "linear"]));
        TrialCheckpoint.CopyInto(model, baseModel.state_dict(), name => !name.Contains("lora", StringComparison.Ordinal), "base");
        using (no_grad())
        {
            foreach (var (_, layer) in model.Layers().Where(l => l.Layer.Rank > 0))
            {
                layer.B!.copy_(randn(layer.B.shape) * 0.05);
            }
        }

        using var input = randn(8, 1, 28, 28);
        var unmerged = Outputs(model, input);
        using var plain = Base(3);
        using (var scope = NewDisposeScope())
        {
            var merged = TrialCheckpoint.MergedStateDict(model);
            Assert.DoesNotContain(merged.Keys, k => k.Contains("lora", StringComparison.Ordinal));
            TrialCheckpoint.CopyInto(plain, merged, _ => true, "merged");
        }

        var mergedOutputs = Outputs(plain, input);
        Assert.NotEqual(Outputs(baseModel, input), unmerged); // the adapters do change the function...
        Assert.Equal(unmerged.Length, mergedOutputs.Length);
        for (var i = 0; i < unmerged.Length; i++)
        {
            Assert.Equal(unmerged[i], mergedOutputs[i], 1e-6f); // ...and merging preserves it
        }
    }
}
