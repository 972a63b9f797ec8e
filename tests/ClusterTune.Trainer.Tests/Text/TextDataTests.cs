using ClusterTune.Trainer.Data;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Tests.Text;

/// <summary>The text workload's data: e-mail tokens, the vocabulary, the corpus split and masked-token examples.</summary>
[Collection(TorchCollection.Name)]
public sealed class TextDataTests
{
    [Theory]
    [InlineData("From: a@b.c\nSubject: WIN $1000 Now!\nX-Spam: yes\n\nHello Friend", "win $ 1000 now ! hello friend")]
    [InlineData("Subject: re: meeting\n\n<html><b>Lunch</b> at&nbsp;noon</html>", "re meeting lunch at noon")] // tags and entities go
    [InlineData("Subject: x\n\nsoft=\nbreak a=3Db", "x softbreak a b")] // quoted-printable soft break and =3D
    [InlineData("Received: from mailhost\nTo: me\n\nbody only", "body only")] // routing headers never become tokens
    [InlineData("no blank line at all", "")] // headers only: no Subject, no body
    public void EmailTokensKeepSubjectAndBodyText(string email, string expected) =>
        Assert.Equal(expected, string.Join(" ", SpamAssassin.Tokens(email)));

    [Fact]
    public void TheCorpusSplitsIntoDisjointPretrainingAndLabelledGroups()
    {
        var messages = SpamAssassin.Load(TestData.Root);
        var counts = messages.GroupBy(m => m.Group).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["easy-ham-1"] = 2500, ["easy-ham-2"] = 1400, ["hard-ham-1"] = 250, ["spam-1"] = 500, ["spam-2"] = 1396 }, counts);
        Assert.Empty(SpamAssassin.PretrainingGroups.Intersect(SpamAssassin.LabelledGroups.Keys));
        Assert.Equal(counts.Keys.Order(), SpamAssassin.PretrainingGroups.Concat(SpamAssassin.LabelledGroups.Keys).Order());
    }

    [Fact]
    public void VocabularyOrdersByCountThenTokenAndEncodesWithPadAndUnknown()
    {
        var v = Vocabulary.Build([["b", "a", "b", "c"], ["a", "b", "d", "d"]], size: 6, minCount: 2);
        Assert.Equal(["[PAD]", "[UNK]", "[MASK]", "b", "a", "d"], v.Tokens); // b×3, then a×2 and d×2 by ordinal; c×1 below minCount
        var ids = new long[5];
        v.Encode(["d", "zebra", "b"], ids);
        Assert.Equal([5L, Vocabulary.Unknown, 3, Vocabulary.Pad, Vocabulary.Pad], ids);
        v.Encode(["a", "a", "a", "a", "a", "a", "a"], ids); // truncated to the length
        Assert.Equal([4L, 4, 4, 4, 4], ids);
        var path = Path.GetTempFileName();
        try
        {
            v.Write(path);
            Assert.Equal(v.Tokens, Vocabulary.Read(path).Tokens);
            File.WriteAllLines(path, ["[PAD]", "[UNK]", "[MASK]", "x", "x"]);
            Assert.Contains("'x' appears twice", Assert.Throws<InvalidDataException>(() => Vocabulary.Read(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MaskedTokensScoreAboutFifteenPercentOfRealTokensAndNeverPads()
    {
        const int length = 64, count = 400, vocabulary = 1000;
        var random = new Random(3);
        var ids = new long[count * length];
        for (var i = 0; i < count; i++)
        {
            var real = random.Next(8, length + 1); // the rest stays [PAD]
            for (var t = 0; t < real; t++)
            {
                ids[(i * length) + t] = random.Next(Vocabulary.Mask + 1, vocabulary);
            }
        }

        var sequences = new TokenDataset("t", ids, new int[count], length, 2);
        var masked = new MaskedTokens(sequences, vocabulary, seed: 5, fixedMasks: true);
        var all = Enumerable.Range(0, count).ToArray();
        using var scope = NewDisposeScope();
        var (inputs, labels) = masked.Tensors(all);
        var original = tensor(ids).view(count, length);
        var scored = labels.ne(MaskedTokens.Ignored);
        var realTokens = original.ne(Vocabulary.Pad);
        var fraction = scored.sum().item<long>() / (double)realTokens.sum().item<long>();
        Assert.InRange(fraction, 0.13, 0.17); // 15 % of ~14 400 real tokens: sd ≈ 0.3 %
        Assert.Equal(0, scored.logical_and(realTokens.logical_not()).sum().item<long>()); // no [PAD] is scored
        Assert.True(labels[scored].eq(original[scored]).all().item<bool>(), "labels are the original ids at scored positions");
        var maskedShare = inputs[scored].eq(Vocabulary.Mask).sum().item<long>() / (double)scored.sum().item<long>();
        Assert.InRange(maskedShare, 0.75, 0.85); // 80 % of scored positions become [MASK]
        Assert.True(inputs[scored.logical_not()].eq(original[scored.logical_not()]).all().item<bool>(), "unscored positions are unchanged");
        var (again, againLabels) = masked.Tensors(all);
        Assert.True(again.eq(inputs).all().item<bool>() && againLabels.eq(labels).all().item<bool>(), "evaluation masks are the same every time");
        var (fresh, _) = new MaskedTokens(sequences, vocabulary, seed: 5, fixedMasks: false).Tensors(all);
        Assert.False(fresh.eq(inputs).all().item<bool>(), "training masks are drawn from the seeded stream, not the fixed per-example masks");
    }
}
