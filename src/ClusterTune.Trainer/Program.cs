using System.Runtime.InteropServices;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;
using ClusterTune.Trainer.Torch;
using ClusterTune.Trainer.Training;

namespace ClusterTune.Trainer;

/// <summary>Entry point of the trial program: `train` (default, the trial contract) or `pretrain` (base checkpoint).</summary>
public static class Program
{
    /// <summary>$CT_DATA_URI's default: $CT_CACHE/data, CT_CACHE defaulting to ~/.cache/clustertune (what `make data` fills).</summary>
    public static string DefaultDataPath(Func<string, string?> environment)
    {
        var cache = environment("CT_CACHE");
        if (string.IsNullOrEmpty(cache))
        {
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clustertune");
        }

        return Path.Combine(cache, "data");
    }

    public static int Main(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.Out.WriteLine(Usage());
            return 0;
        }

        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        TrialOptions options;
        try
        {
            options = TrialOptions.Parse(environment, args, DefaultDataPath(Environment.GetEnvironmentVariable));
        }
        catch (TrialConfigurationException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        return Run(options, Console.Error);
    }

    /// <summary>Runs a parsed command: writes the result to the termination-message path and returns the exit code.</summary>
    public static int Run(TrialOptions options, TextWriter log)
    {
        using var stop = new StopSignal();
        TrialResult result;
        int exitCode;
        try
        {
            TorchRuntime.RetainFreedHostMemory(Environment.GetEnvironmentVariable);
            var device = TorchRuntime.Start(options.Threads, options.Device);
            log.WriteLine($"device: {device} ({TrialEnv.Device}={options.Device}, {options.Threads} thread(s), TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version})");
            using var reporter = new TrialReporter(options, TimeProvider.System, log, device.ToString());
            result = options.Command == TrialOptions.PretrainCommand
                ? new Pretrainer(options, device, reporter, stop, log).Run()
                : new TrialRunner(options, device, reporter, stop, log).Run();
            exitCode = result.Status switch
            {
                TrialResult.Succeeded => ExitCodes.Succeeded,
                TrialResult.Stopped => ExitCodes.Stopped,
                _ => ExitCodes.Failed,
            };
        }
        catch (TrialConfigurationException e)
        {
            log.WriteLine($"error: {e.Message}");
            result = Failed(e.Message);
            exitCode = ExitCodes.Usage;
        }
        catch (ConstraintViolatedException e)
        {
            log.WriteLine($"error: {e.Message}");
            result = Failed(e.Message);
            exitCode = ExitCodes.Failed;
        }
        catch (Checkpointing.CheckpointWriteException e)
        {
            log.WriteLine($"error: {e.Message} ({e.InnerException?.Message})");
            result = Failed(e.Message);
            exitCode = ExitCodes.StorageError;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ExternalException or TrainingDivergedException or ArgumentException or UnauthorizedAccessException)
        {
            log.WriteLine($"error: {e}");
            result = Failed($"{e.GetType().Name}: {e.Message}");
            exitCode = ExitCodes.Failed;
        }

        TerminationMessage.TryWrite(options.TerminationMessagePath, result, log);
        log.WriteLine($"result: {result.Status} (exit {exitCode})");
        return exitCode;
    }

    private static TrialResult Failed(string message) =>
        new(TrialResult.Failed, null, new Dictionary<string, double>(), 0, 0, null, null, 0, 0, message);

    private static string Usage()
    {
        var lines = new List<string>
        {
            "usage: ClusterTune.Trainer [train|pretrain] [--option value ...]",
            "Every option can also come from the environment variable shown (flags win).",
        };
        lines.AddRange(TrialOptions.Flags.Select(f => $"  {f.Flag,-28} {f.Env,-30} {f.Help}"));
        return string.Join(Environment.NewLine, lines);
    }
}
