using ClusterTune.Torch;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Lora;
using ClusterTune.Trainer.Models;

namespace ClusterTune.Trainer.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class LoraTests
{
    private static float[] Outputs(ReferenceCnn model, Tensor input)
    {
        model.Eval();
        using var noGrad = Torch.Torch.NoGrad();
        using var output = model.Forward(input);
        return output.ToArray<float>();
    }

    [Theory]
    [InlineData(0, 4, new[] { "conv", "linear" })]
    [InlineData(2, 8, new[] { "conv" })]
    [InlineData(1, 1, new[] { "linear" })]
    public void FreshAdaptersLeaveOutputsExactlyUnchanged(int freezeDepth, int rank, string[] targets)
    {
        using var generator = new Generator(1);
        using var model = new ReferenceCnn(10, generator);
        using var input = Tensor.Randn([8, 1, 28, 28], generator);
        var before = Outputs(model, input);
        FineTuneSetup.Apply(model, freezeDepth, rank, 2.0 * rank, targets, generator);
        Assert.Contains(model.NamedModules(), m => m.Module is LoraAdapter);
        Assert.Equal(before, Outputs(model, input));
    }

    [Fact]
    public void MergedWeightsGiveTheSameOutputsAsTheUnmergedAdapters()
    {
        using var generator = new Generator(2);
        using var model = new ReferenceCnn(10, generator);
        FineTuneSetup.Apply(model, 0, 4, 8, ["conv", "linear"], generator);
        using (Torch.Torch.NoGrad())
        {
            foreach (var adapter in model.NamedModules().Select(m => m.Module).OfType<LoraAdapter>())
            {
                using var random = Tensor.Randn(adapter.B.Shape, generator);
                using var scaled = random.Mul(0.05);
                adapter.B.Copy_(scaled);
            }
        }

        using var input = Tensor.Randn([8, 1, 28, 28], generator);
        var unmerged = Outputs(model, input);
        using var plainGenerator = new Generator(3);
        using var plain = new ReferenceCnn(10, plainGenerator);
        var merged = TrialCheckpoint.MergedStateDict(model, out var owned);
        Assert.DoesNotContain(merged.Keys, k => k.Contains("lora", StringComparison.Ordinal));
        plain.LoadStateDict(merged);
        owned.ForEach(t => t.Dispose());
        var mergedOutputs = Outputs(plain, input);
        Assert.Equal(unmerged.Length, mergedOutputs.Length);
        using var baseGenerator = new Generator(2);
        using var baseModel = new ReferenceCnn(10, baseGenerator);
        var baseOutputs = Outputs(baseModel, input);
        Assert.NotEqual(baseOutputs, unmerged); // the adapters do change the function...
        for (var i = 0; i < unmerged.Length; i++)
        {
            Assert.Equal(unmerged[i], mergedOutputs[i], 1e-6f); // ...and merging preserves it
        }
    }
}
