using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Contract;

namespace ClusterTune.Trainer.Tests.Contract;

public sealed class TrialOptionsTests
{
    private static TrialOptions Parse(Dictionary<string, string> env, params string[] args) => TrialOptions.Parse(env, args, "/default/data");

    [Fact]
    public void EnvironmentIsReadAndFlagsOverrideIt()
    {
        var env = new Dictionary<string, string>
        {
            [TrialEnv.Job] = "job1",
            [TrialEnv.Trial] = "job1-3",
            [TrialEnv.Params] = """{"freezeDepth":1}""",
            [TrialEnv.ModelUri] = "file:///models/base",
            [TrialEnv.CheckpointDir] = "/ckpt",
            [TrialEnv.ResumeFrom] = "",
            [TrialEnv.Epochs] = "5",
            [TrialEnv.BatchSize] = "64",
            [TrialEnv.Token] = "secret",
            [TrialEnv.Objective] = "eval.loss",
            [TrialEnv.OtlpEndpoint] = "http://127.0.0.1:4318",
        };
        var o = Parse(env, "train", "--epochs", "7", "--params={\"loraRank\":2}", "--seed", "9");
        Assert.Equal(TrialOptions.TrainCommand, o.Command);
        Assert.Equal(("job1", "job1-3"), (o.Job, o.Trial));
        Assert.Equal("/models/base", o.ModelPath);
        Assert.Equal("/default/data", o.DataPath);
        Assert.Equal("/ckpt", o.CheckpointDir);
        Assert.Null(o.ResumeFrom);
        Assert.Equal(7, o.Epochs);
        Assert.Equal(64, o.BatchSize);
        Assert.Equal((0, 2), (o.Parameters.FreezeDepth, o.Parameters.LoraRank));
        Assert.Equal(9, o.Seed);
        Assert.Equal("loss", o.Objective);
        Assert.False(o.Maximize);
        Assert.Equal(TrialEnv.DefaultTerminationMessagePath, o.TerminationMessagePath);
    }

    [Fact]
    public void ParamsSeedAndLabelsPerClassWinOverSettings()
    {
        var env = new Dictionary<string, string> { [TrainerEnv.Seed] = "1", [TrialEnv.LabelsPerClass] = "5", [TrialEnv.Params] = """{"seed":4,"labelsPerClass":12}""" };
        var o = Parse(env, "pretrain");
        Assert.Equal(TrialOptions.PretrainCommand, o.Command);
        Assert.Equal((4, 12), (o.Seed, o.LabelsPerClass));
    }

    [Theory]
    [InlineData(new[] { "--epochs", "0" }, "CT_EPOCHS")]
    [InlineData(new[] { "--batch-size", "x" }, "CT_BATCH_SIZE")]
    [InlineData(new[] { "--model", "s3://bucket/base" }, "CT_MODEL_URI")]
    [InlineData(new[] { "--objective", "f1" }, "CT_OBJECTIVE")]
    [InlineData(new[] { "--bogus", "1" }, "--bogus")]
    [InlineData(new[] { "--epochs" }, "needs a value")]
    [InlineData(new[] { "evaluate" }, "evaluate")]
    [InlineData(new[] { "--pretraining-lr", "-1" }, "CT_PRETRAINING_LR")]
    public void BadInputNamesTheFieldAndTheFix(string[] args, string expected)
    {
        var e = Assert.Throws<TrialConfigurationException>(() => Parse([], args));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void EveryContractVariableHasAFlag()
    {
        var contract = typeof(TrialEnv).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.StartsWith("CT_", StringComparison.Ordinal) || v.StartsWith("OTEL_EXPORTER", StringComparison.Ordinal))
            .Where(v => v != TrialEnv.DefaultTerminationMessagePath);
        var covered = TrialOptions.Flags.Select(f => f.Env).ToHashSet();
        Assert.All(contract, v => Assert.Contains(v, covered));
    }

    // The operator mounts the token as a Secret file (pod env is readable by anyone who may read pods).
    [Fact]
    public void The_token_is_read_from_the_token_file_and_a_direct_token_wins()
    {
        var dir = Directory.CreateTempSubdirectory("ct-token-");
        try
        {
            var file = Path.Combine(dir.FullName, TrialEnv.TokenSecretKey);
            File.WriteAllText(file, "s3cr3t\n");
            Assert.Equal("s3cr3t", Parse(new() { [TrialEnv.TokenFile] = file }).Token);
            Assert.Equal("direct", Parse(new() { [TrialEnv.TokenFile] = file }, "--token", "direct").Token);
            var missing = Assert.Throws<TrialConfigurationException>(() => Parse(new() { [TrialEnv.TokenFile] = Path.Combine(dir.FullName, "absent") }));
            Assert.Contains(TrialEnv.TokenFile, missing.Message);
            File.WriteAllText(file, " ");
            Assert.Contains("is empty", Assert.Throws<TrialConfigurationException>(() => Parse(new() { [TrialEnv.TokenFile] = file })).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
