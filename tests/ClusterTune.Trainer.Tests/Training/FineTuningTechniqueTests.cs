using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Runtime;
using ClusterTune.Trainer.Training;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Tests.Training;

/// <summary>Gradual unfreezing and the dynamic auxiliary loss weight: the schedules, and real runs showing each does what it says.</summary>
[Collection(TorchCollection.Name)]
public sealed class FineTuningTechniqueTests
{
    [Theory]
    // epoch, freezeDepth, unfreezeEvery, expected depth (4 blocks)
    [InlineData(0, 0, 0, 0)] // off: the trial's own depth throughout
    [InlineData(9, 2, 0, 2)]
    [InlineData(0, 0, 1, 4)] // first epoch: everything but the head frozen
    [InlineData(1, 0, 1, 3)] // then one block per epoch, from the top
    [InlineData(3, 0, 1, 1)]
    [InlineData(4, 0, 1, 0)]
    [InlineData(7, 0, 1, 0)]
    [InlineData(1, 0, 2, 4)] // every 2 epochs
    [InlineData(2, 0, 2, 3)]
    [InlineData(5, 0, 2, 2)]
    [InlineData(5, 2, 1, 2)] // never below the trial's freezeDepth
    [InlineData(0, 4, 1, 4)]
    public void GradualUnfreezingDepthFollowsTheSchedule(int epoch, int freezeDepth, int every, int expected) =>
        Assert.Equal(expected, GradualUnfreezing.DepthAt(epoch, freezeDepth, every, ReferenceCnn.Blocks));

    [Theory]
    // start, end, shape, total steps, step, expected α
    [InlineData(1.0, 0.0, LrDecay.Linear, 11, 0, 1.0)]
    [InlineData(1.0, 0.0, LrDecay.Linear, 11, 5, 0.5)]
    [InlineData(1.0, 0.0, LrDecay.Linear, 11, 10, 0.0)]
    [InlineData(1.0, 0.0, LrDecay.Linear, 11, 50, 0.0)] // past the end keeps the end value
    [InlineData(0.0, 2.0, LrDecay.Linear, 5, 1, 0.5)] // rising weight
    [InlineData(1.0, 0.0, LrDecay.Cosine, 11, 5, 0.5)]
    [InlineData(1.0, 0.0, LrDecay.Cosine, 11, 2, 0.9045084971874737)] // (1 + cos(0.2π)) / 2
    [InlineData(3.0, 0.0, LrDecay.Constant, 11, 7, 3.0)]
    [InlineData(2.0, 1.0, LrDecay.Cosine, 1, 0, 1.0)] // one step: the end value
    public void AuxWeightFollowsItsSchedule(double start, double end, LrDecay shape, long total, long step, double expected) =>
        Assert.Equal(expected, new AuxWeightSchedule(start, end, shape, total).At(step), 12);

    [Theory]
    [InlineData("""{"unfreezeEvery":-1}""", "CT_PARAMS.unfreezeEvery")]
    [InlineData("""{"auxObjective":"kl"}""", "CT_PARAMS.auxObjective must be one of \"l2sp\"")]
    [InlineData("""{"auxWeight":-0.5}""", "CT_PARAMS.auxWeight")]
    [InlineData("""{"auxWeightSchedule":"step"}""", "CT_PARAMS.auxWeightSchedule must be one of \"cosine\", \"linear\", \"constant\"")]
    public void BadTechniqueParametersAreRefusedNamingTheField(string json, string message) =>
        Assert.Contains(message, Assert.Throws<TrialConfigurationException>(() => TrialParameters.Parse(json)).Message);

    [Fact]
    public void TechniqueParametersParse()
    {
        var p = TrialParameters.Parse("""{"unfreezeEvery":2,"auxObjective":"l2sp","auxWeight":0.5,"auxWeightEnd":0,"auxWeightSchedule":"linear"}""");
        Assert.Equal((2, TrialParameters.L2Sp, 0.5, (double?)0.0, LrDecay.Linear), (p.UnfreezeEvery, p.AuxObjective, p.AuxWeight, p.AuxWeightEnd, p.AuxWeightSchedule));
    }

    // 2 epochs with unfreezeEvery=1 from the pretrained base: epoch 0 trains the head alone, epoch 1 adds blocks.3;
    // the stem and blocks 0..2 must end bit-identical to the base. Without gradual unfreezing every unit moves.
    [Theory]
    [InlineData(1, new[] { "blocks.3." }, new[] { "stem.", "blocks.0.", "blocks.1.", "blocks.2." })]
    [InlineData(0, new[] { "stem.", "blocks.0.", "blocks.1.", "blocks.2.", "blocks.3." }, new string[0])]
    public void GradualUnfreezingTrainsOnlyTheBlocksItHasUnfrozen(int every, string[] moved, string[] kept)
    {
        var distance = DistancesFromBase($$"""{"freezeDepth":0,"lrFactor":0.5,"unfreezeEvery":{{every}}}""", epochs: 2);
        Assert.All(moved, unit => Assert.True(distance[unit] > 0, $"{unit} did not move: {Show(distance)}"));
        Assert.All(kept, unit => Assert.True(distance[unit] == 0, $"{unit} moved while it should be frozen: {Show(distance)}"));
    }

    // Same seed, same steps: L2-SP with a large weight keeps the fine-tuned backbone much closer to the pretrained
    // weights than no auxiliary objective (cross-entropy alone); the dynamic weight (large → 0) lands in between.
    [Fact]
    public void L2SpAuxiliaryObjectivePullsTheWeightsTowardThePretrainedOnes()
    {
        double Backbone(string json) => DistancesFromBase(json, epochs: 2).Values.Sum();
        var free = Backbone("""{"lrFactor":1}""");
        var held = Backbone("""{"lrFactor":1,"auxWeight":50,"auxWeightSchedule":"constant"}""");
        var released = Backbone("""{"lrFactor":1,"auxWeight":50,"auxWeightEnd":0,"auxWeightSchedule":"linear"}""");
        Assert.True(held < 0.5 * free, $"L2-SP α=50: backbone moved {held:G4}, without: {free:G4}");
        Assert.True(held < released && released < free, $"α 50→0 should land between: held {held:G4}, released {released:G4}, free {free:G4}");
    }

    private static string Show(Dictionary<string, double> d) => string.Join(", ", d.Select(kv => $"{kv.Key}{kv.Value:G3}"));

    /// <summary>‖θ − θ_base‖² per backbone unit after a real fine-tune from the pretrained base (the head is new, so it has no base value).</summary>
    private static Dictionary<string, double> DistancesFromBase(string paramsJson, int epochs)
    {
        var dir = TestData.TempDir("technique");
        try
        {
            var options = TrainerRun.Options(dir, paramsJson, epochs: epochs, evalLimit: 50) with { ModelPath = TrainerRun.PretrainedBase };
            var log = new StringWriter();
            Assert.True(Program.Run(options, log) == ExitCodes.Succeeded, log.ToString());
            var baseWeights = Checkpoint.LoadWeights(TrainerRun.PretrainedBase, Checkpoint.ReadManifest(TrainerRun.PretrainedBase));
            var last = Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName);
            var tuned = Checkpoint.LoadWeights(last, Checkpoint.ReadManifest(last));
            string[] units = ["stem.", "blocks.0.", "blocks.1.", "blocks.2.", "blocks.3."];
            var result = units.ToDictionary(u => u, u => tuned.Where(t => t.Key.StartsWith(u, StringComparison.Ordinal)).Sum(t =>
            {
                using var diff = t.Value - baseWeights[t.Key];
                return (double)diff.square().sum().item<float>();
            }));
            foreach (var t in baseWeights.Values.Concat(tuned.Values))
            {
                t.Dispose();
            }

            return result;
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
