using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Tests.Text;

[Collection(TorchCollection.Name)]
public sealed class TextEncoderTests
{
    // Hand-computed for vocabulary 4 000, width 64, 4 layers, feed-forward 128, 2 classes: embed 4000·64 + 64·64 =
    // 260 096; a layer = 2 norms (256) + q,k,v,o (4·(64·64+64) = 16 640) + up (64·128+128) + down (128·64+64) = 33 472;
    // final norm 128; head 64·2+2 = 130; total 394 242. A rank-r adapter on a 64×64 projection adds r·128; under LoRA
    // the embeddings and every projection's weight are frozen, biases and norms train.
    [Theory]
    [InlineData(0, 0, "", 394_242, 394_242)]
    [InlineData(2, 0, "", 67_202, 394_242)] // layers 2, 3 + final norm + head
    [InlineData(4, 0, "", 258, 394_242)] // the head and the final norm
    [InlineData(0, 8, "", 11_266, 402_434)] // default targets q, v: 4 layers × (2·1 024 adapters + 448 biases + 256 norms) + 258
    [InlineData(2, 8, "", 5_762, 398_338)]
    [InlineData(0, 4, "q,k,v,o", 11_266, 402_434)] // 4 projections × 4·128 per layer
    public void TrainableCountsFollowTheKnobs(int freezeDepth, int rank, string targets, long trainable, long total)
    {
        torch.manual_seed(1);
        using var model = new TextEncoder(4000, 2, new FineTuneKnobs(freezeDepth, rank, null, targets.Length == 0 ? [] : targets.Split(',')));
        var plan = FineTuneSetup.Apply(model);
        Assert.Equal((trainable, total), (plan.TrainableParameters, plan.TotalParameters));
        if (freezeDepth > 0 || rank > 0)
        {
            Assert.All(model.named_parameters().Where(p => p.name.StartsWith("embed.", StringComparison.Ordinal)), p => Assert.False(p.parameter.requires_grad, p.name));
        }
    }

    [Fact]
    public void PaddingDoesNotChangeTheClassificationAndFreshAdaptersChangeNothing()
    {
        torch.manual_seed(2);
        using var plain = new TextEncoder(100, 2);
        torch.manual_seed(2);
        using var adapted = new TextEncoder(100, 2, new FineTuneKnobs(0, 4, null, []));
        var baseWeights = plain.state_dict();
        foreach (var (name, t) in adapted.state_dict().Where(kv => baseWeights.ContainsKey(kv.Key)))
        {
            using var _ = no_grad();
            t.copy_(baseWeights[name]);
        }

        plain.eval();
        adapted.eval();
        using var scope = NewDisposeScope();
        var shortIds = tensor(new long[] { 5, 9, 12, 40, 0, 0 }).view(1, 6);
        var longIds = tensor(new long[] { 5, 9, 12, 40, 0, 0, 0, 0, 0, 0 }).view(1, 10);
        var a = plain.forward(shortIds);
        Assert.True(a.allclose(plain.forward(longIds), rtol: 1e-5, atol: 1e-6), "more [PAD] must not change the output");
        Assert.True(a.allclose(adapted.forward(shortIds), rtol: 1e-5, atol: 1e-6), "B = 0: a fresh adapter leaves outputs unchanged");
        var other = tensor(new long[] { 5, 9, 13, 40, 0, 0 }).view(1, 6);
        Assert.False(a.allclose(plain.forward(other)), "a different real token changes the output");
    }

    [Fact]
    public void TargetsTheModelLacksAreRefusedNamingTheKnob()
    {
        var e = Assert.Throws<ArgumentException>(() => new TextEncoder(100, 2, new FineTuneKnobs(0, 4, null, ["conv"])));
        Assert.Contains("loraTargets conv do not exist in clustertune-text-v1", e.Message);
        var cnn = Assert.Throws<ArgumentException>(() => new ReferenceCnn(10, new FineTuneKnobs(0, 4, null, ["q"])));
        Assert.Contains("loraTargets q do not exist in clustertune-cnn-v1", cnn.Message);
    }
}
