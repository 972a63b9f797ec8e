using ClusterTune.Trainer.Contract;

namespace ClusterTune.Trainer.Tests.Training;

/// <summary>Small, fast trainer configurations on the cached data (few labels, small eval subset).</summary>
internal static class TrainerRun
{
    public static TrialOptions Options(string dir, string paramsJson, int epochs = 3, int labelsPerClass = 5, int batchSize = 10, int evalLimit = 200) => new()
    {
        Command = TrialOptions.TrainCommand,
        Parameters = TrialParameters.Parse(paramsJson),
        DataPath = TestData.Root,
        CheckpointDir = Path.Combine(dir, "ckpt"),
        TerminationMessagePath = Path.Combine(dir, "termination-log"),
        Epochs = epochs,
        BatchSize = batchSize,
        LabelsPerClass = labelsPerClass,
        EvalLimit = evalLimit,
        Seed = 7,
        Threads = 1,
    };

    /// <summary>The pretrained base produced by `make pretrained`.</summary>
    public static string PretrainedBase
    {
        get
        {
            var root = Path.GetDirectoryName(TestData.Root)!;
            var path = Path.Combine(root, "models", "clustertune-cnn-fashion", "base");
            return File.Exists(Path.Combine(path, "manifest.json"))
                ? path
                : throw new InvalidOperationException($"{path} is missing: run 'make pretrained' first");
        }
    }
}
