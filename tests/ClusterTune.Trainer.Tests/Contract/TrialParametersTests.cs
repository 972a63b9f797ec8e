using ClusterTune.Trainer.Contract;

namespace ClusterTune.Trainer.Tests.Contract;

public sealed class TrialParametersTests
{
    [Fact]
    public void KnownParametersAreTypedAndOthersKept()
    {
        var p = TrialParameters.Parse("""{"freezeDepth":2,"lrFactor":0.1,"loraRank":4.0,"headLrFactor":"2","loraAlpha":8,"loraTargets":"conv","weightDecay":0,"warmupFraction":0.05,"labelsPerClass":10,"seed":3,"dropout":0.2}""");
        Assert.Equal(2, p.FreezeDepth);
        Assert.Equal(0.1, p.LrFactor);
        Assert.Equal(4, p.LoraRank);
        Assert.Equal(2.0, p.HeadLrFactor);
        Assert.Equal(8.0, p.LoraAlpha);
        Assert.Equal(["conv"], p.LoraTargets);
        Assert.Equal(0.0, p.WeightDecay);
        Assert.Equal(0.05, p.WarmupFraction);
        Assert.Equal(10, p.LabelsPerClass);
        Assert.Equal(3, p.Seed);
        Assert.Equal(["dropout"], p.Other);
        Assert.Equal("0.2", p.All["dropout"]);
        Assert.Equal("2", p.All["headLrFactor"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    public void EmptyMeansDefaults(string? json)
    {
        var p = TrialParameters.Parse(json);
        Assert.Equal((0, 1.0, 0, 1.0), (p.FreezeDepth, p.LrFactor, p.LoraRank, p.HeadLrFactor));
        Assert.Null(p.LoraAlpha);
        Assert.Empty(p.LoraTargets); // the model's default: conv+linear for the CNN, q+v for the text encoder
    }

    [Theory]
    [InlineData("""{"freezeDepth":-1}""", "freezeDepth")]
    [InlineData("""{"freezeDepth":1.5}""", "freezeDepth")]
    [InlineData("""{"lrFactor":0}""", "lrFactor")]
    [InlineData("""{"lrFactor":"x"}""", "lrFactor")]
    [InlineData("""{"loraRank":true}""", "loraRank")]
    [InlineData("""{"loraTargets":"attention"}""", "loraTargets")]
    [InlineData("""{"warmupFraction":1}""", "warmupFraction")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"freezeDepth":""", "not valid JSON")]
    public void BadValuesNameTheField(string json, string expected)
    {
        var e = Assert.Throws<TrialConfigurationException>(() => TrialParameters.Parse(json));
        Assert.Contains(expected, e.Message);
    }
}
