using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Testing;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Tests.Training;

/// <summary>The trainer refuses a trial above CT_MAX_TRAINABLE_PARAMS_FRACTION before training a step.</summary>
[Collection(TorchCollection.Name)]
public sealed class ConstraintTests
{
    [Theory]
    [InlineData("""{"freezeDepth":0,"loraRank":0}""", 0.1, ExitCodes.Failed)]
    // Allowed trials train until the step cap (2 steps) stops them: exit 143 proves they trained.
    [InlineData("""{"freezeDepth":0,"loraRank":4}""", 0.1, ExitCodes.Stopped)]
    [InlineData("""{"freezeDepth":0,"loraRank":0}""", 1.0, ExitCodes.Stopped)]
    public void A_trial_above_the_trainable_fraction_limit_fails_naming_the_constraint(string paramsJson, double limit, int exit)
    {
        var dir = TestData.TempDir("constraint");
        try
        {
            var options = TrainerRun.Options(dir, paramsJson, epochs: 1, evalLimit: 50) with { MaxTrainableParamsFraction = limit, MaxSteps = 2 };
            var log = new StringWriter();
            Assert.True(exit == Program.Run(options, log), log.ToString());
            var result = JsonSerializer.Deserialize<TrialResult>(File.ReadAllText(options.TerminationMessagePath), TerminationMessage.JsonOptions)!;
            if (exit == ExitCodes.Failed)
            {
                Assert.Contains("maxTrainableParamsFraction", result.Message);
                Assert.False(Directory.Exists(Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName)), "a refused trial must not train");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_limit_comes_from_the_contract_variable_and_bad_values_name_it()
    {
        var env = new Dictionary<string, string> { [TrialEnv.MaxTrainableParamsFraction] = "0.25" };
        Assert.Equal(0.25, TrialOptions.Parse(env, [], "/data").MaxTrainableParamsFraction);
        Assert.Null(TrialOptions.Parse(new Dictionary<string, string>(), [], "/data").MaxTrainableParamsFraction);
        var bad = new Dictionary<string, string> { [TrialEnv.MaxTrainableParamsFraction] = "1.5" };
        Assert.Contains(TrialEnv.MaxTrainableParamsFraction, Assert.Throws<TrialConfigurationException>(() => TrialOptions.Parse(bad, [], "/data")).Message);
    }
}
