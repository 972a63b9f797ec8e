using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Torch;

namespace ClusterTune.Trainer.Contract;

/// <summary>Everything one trainer run needs, from the trial-contract environment and the equivalent flags.</summary>
public sealed record TrialOptions
{
    public const string TrainCommand = "train";
    public const string PretrainCommand = "pretrain";

    /// <summary>"train" (default: the trial) or "pretrain" (produce a base checkpoint).</summary>
    public string Command { get; init; } = TrainCommand;

    public string? Job { get; init; }

    public string? Trial { get; init; }

    public TrialParameters Parameters { get; init; } = new();

    /// <summary>Base checkpoint directory (from CT_MODEL_URI); null trains from scratch.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Directory holding fashion-mnist/ and mnist/ (from CT_DATA_URI; default $CT_CACHE/data).</summary>
    public string DataPath { get; init; } = "";

    public string CheckpointDir { get; init; } = "checkpoints";

    public string? ResumeFrom { get; init; }

    public string? Token { get; init; }

    public int Epochs { get; init; } = 10;

    /// <summary>Pause point (CT_STOP_AT_EPOCH): stop after this many epochs in total, with the schedule of <see cref="Epochs"/>.</summary>
    public int? StopAtEpoch { get; init; }

    public int BatchSize { get; init; } = 32;

    /// <summary>Overrides the base manifest's pretraining LR when set.</summary>
    public double? PretrainingLearningRate { get; init; }

    /// <summary>Evaluation metric to optimize: "accuracy" (maximized) or "loss" (minimized).</summary>
    public string Objective { get; init; } = "accuracy";

    public string TerminationMessagePath { get; init; } = TrialEnv.DefaultTerminationMessagePath;

    public string? OtlpEndpoint { get; init; }

    public string? OtlpHeaders { get; init; }

    public int MetricExportIntervalMs { get; init; } = 2000;

    /// <summary>Evaluation data directory (from CT_VALIDATION_DATA_URI); null = <see cref="DataPath"/>.</summary>
    public string? ValidationDataPath { get; init; }

    /// <summary>Expected architecture of the base checkpoint; null accepts the manifest's.</summary>
    public string? ModelArchitecture { get; init; }

    public int Attempt { get; init; } = 1;

    public int Seed { get; init; }

    /// <summary>CT_MAX_TRAINABLE_PARAMS_FRACTION: refuse to train when the trainable fraction is above it; null = no limit.</summary>
    public double? MaxTrainableParamsFraction { get; init; }

    public int Threads { get; init; } = 1;

    /// <summary>CT_DEVICE as given: auto, cpu, cuda or cuda:N (resolved by Torch.DeviceSelection).</summary>
    public string Device { get; init; } = DeviceSelection.Auto;

    public int LabelsPerClass { get; init; } = 30;

    public int TrainLimit { get; init; }

    public int EvalLimit { get; init; }

    public long MaxSteps { get; init; }

    /// <summary>LR of the pretrain command.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>True when the objective is maximized.</summary>
    public bool Maximize => Objective == "accuracy";

    /// <summary>Flags and the environment variable each one overrides.</summary>
    public static IReadOnlyList<(string Flag, string Env, string Help)> Flags { get; } =
    [
        ("--job", TrialEnv.Job, "FineTuneJob name"),
        ("--trial", TrialEnv.Trial, "Trial name"),
        ("--params", TrialEnv.Params, "hyperparameters as a JSON object"),
        ("--model", TrialEnv.ModelUri, "base checkpoint directory or file:// URI (omit: from scratch)"),
        ("--data", TrialEnv.DataUri, "data directory or file:// URI (default $CT_CACHE/data)"),
        ("--checkpoint-dir", TrialEnv.CheckpointDir, "where last/, best/ and metrics.jsonl go"),
        ("--resume-from", TrialEnv.ResumeFrom, "checkpoint directory to resume exactly from"),
        ("--token", TrialEnv.Token, "per-trial token sent with the metrics"),
        ("--token-file", TrialEnv.TokenFile, "file holding the per-trial token (the operator mounts one; --token wins)"),
        ("--epochs", TrialEnv.Epochs, "epochs to train"),
        ("--stop-at-epoch", TrialEnv.StopAtEpoch, "pause after this many epochs (the LR schedule still spans --epochs)"),
        ("--batch-size", TrialEnv.BatchSize, "examples per step"),
        ("--pretraining-lr", TrialEnv.PretrainingLearningRate, "pretraining LR (default: from the base manifest)"),
        ("--objective", TrialEnv.Objective, "accuracy (maximize) or loss (minimize)"),
        ("--termination-message-path", TrialEnv.TerminationMessagePath, "where the result JSON goes"),
        ("--otlp-endpoint", TrialEnv.OtlpEndpoint, "OTLP/HTTP base URL, e.g. http://127.0.0.1:4318"),
        ("--otlp-headers", TrialEnv.OtlpHeaders, "extra OTLP headers k=v,k2=v2"),
        ("--metric-export-interval", TrainerEnv.MetricExportInterval, "OTLP export interval (ms)"),
        ("--validation-data", TrialEnv.ValidationDataUri, "evaluation data directory (default: the data directory)"),
        ("--model-architecture", TrialEnv.ModelArchitecture, "expected architecture of the base checkpoint"),
        ("--attempt", TrialEnv.Attempt, "attempt number of this pod (1-based)"),
        ("--max-trainable-fraction", TrialEnv.MaxTrainableParamsFraction, "refuse to train above this trainable-parameter fraction"),
        ("--seed", TrainerEnv.Seed, "seed of init, sampling and data order"),
        ("--threads", TrainerEnv.Threads, "libtorch threads"),
        ("--device", TrialEnv.Device, "auto (CUDA when available), cpu, cuda or cuda:N"),
        ("--labels-per-class", TrialEnv.LabelsPerClass, "few-label sample size per class"),
        ("--train-limit", TrainerEnv.TrainLimit, "use at most N training examples (0 = all)"),
        ("--eval-limit", TrainerEnv.EvalLimit, "evaluate on at most N examples (0 = all)"),
        ("--max-steps", TrainerEnv.MaxSteps, "stop after N steps in total (0 = no cap)"),
        ("--lr", TrainerEnv.LearningRate, "learning rate of the pretrain command"),
    ];

    /// <summary>Reads the environment, then lets flags override it; throws <see cref="TrialConfigurationException"/> on bad input.</summary>
    public static TrialOptions Parse(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> args, string defaultDataPath)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, env, _) in Flags)
        {
            if (environment.TryGetValue(env, out var v) && !string.IsNullOrEmpty(v))
            {
                values[env] = v;
            }
        }

        var command = TrainCommand;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (i != 0 || arg is not (TrainCommand or PretrainCommand))
                {
                    throw new TrialConfigurationException($"unexpected argument '{arg}': the command is 'train' (default) or 'pretrain', options are --name value (see --help)");
                }

                command = arg;
                continue;
            }

            var (name, inline) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            var flag = Flags.FirstOrDefault(f => f.Flag == name);
            if (flag.Flag is null)
            {
                throw new TrialConfigurationException($"unknown option '{name}'; run with --help for the list");
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new TrialConfigurationException($"option '{name}' needs a value"));
            values[flag.Env] = value;
        }

        string? Get(string env) => values.TryGetValue(env, out var v) ? v : null;
        var parameters = TrialParameters.Parse(Get(TrialEnv.Params));
        var objective = NormalizeObjective(Get(TrialEnv.Objective) ?? "accuracy");
        return new TrialOptions
        {
            Command = command,
            Job = Get(TrialEnv.Job),
            Trial = Get(TrialEnv.Trial),
            Parameters = parameters,
            ModelPath = LocalPath(Get(TrialEnv.ModelUri), TrialEnv.ModelUri),
            DataPath = LocalPath(Get(TrialEnv.DataUri), TrialEnv.DataUri) ?? defaultDataPath,
            CheckpointDir = LocalPath(Get(TrialEnv.CheckpointDir), TrialEnv.CheckpointDir) ?? "checkpoints",
            ResumeFrom = LocalPath(Get(TrialEnv.ResumeFrom), TrialEnv.ResumeFrom),
            Token = Get(TrialEnv.Token) ?? ReadTokenFile(Get(TrialEnv.TokenFile)),
            Epochs = Int(Get(TrialEnv.Epochs), TrialEnv.Epochs, 10, min: 1),
            StopAtEpoch = string.IsNullOrEmpty(Get(TrialEnv.StopAtEpoch)) ? null : Int(Get(TrialEnv.StopAtEpoch), TrialEnv.StopAtEpoch, 0, min: 1),
            BatchSize = Int(Get(TrialEnv.BatchSize), TrialEnv.BatchSize, 32, min: 1),
            PretrainingLearningRate = Get(TrialEnv.PretrainingLearningRate) is { } lr ? Double(lr, TrialEnv.PretrainingLearningRate) : null,
            Objective = objective,
            TerminationMessagePath = Get(TrialEnv.TerminationMessagePath) ?? TrialEnv.DefaultTerminationMessagePath,
            OtlpEndpoint = Get(TrialEnv.OtlpEndpoint),
            OtlpHeaders = Get(TrialEnv.OtlpHeaders),
            MetricExportIntervalMs = Int(Get(TrainerEnv.MetricExportInterval), TrainerEnv.MetricExportInterval, 2000, min: 100),
            ValidationDataPath = LocalPath(Get(TrialEnv.ValidationDataUri), TrialEnv.ValidationDataUri),
            ModelArchitecture = Get(TrialEnv.ModelArchitecture),
            Attempt = Int(Get(TrialEnv.Attempt), TrialEnv.Attempt, 1, min: 1),
            Seed = parameters.Seed ?? Int(Get(TrainerEnv.Seed), TrainerEnv.Seed, 0, min: 0),
            Threads = Int(Get(TrainerEnv.Threads), TrainerEnv.Threads, 1, min: 1),
            Device = Get(TrialEnv.Device) is { Length: > 0 } device ? device : DeviceSelection.Auto,
            LabelsPerClass = parameters.LabelsPerClass ?? Int(Get(TrialEnv.LabelsPerClass), TrialEnv.LabelsPerClass, 30, min: 1),
            TrainLimit = Int(Get(TrainerEnv.TrainLimit), TrainerEnv.TrainLimit, 0, min: 0),
            EvalLimit = Int(Get(TrainerEnv.EvalLimit), TrainerEnv.EvalLimit, 0, min: 0),
            MaxSteps = Int(Get(TrainerEnv.MaxSteps), TrainerEnv.MaxSteps, 0, min: 0),
            MaxTrainableParamsFraction = Get(TrialEnv.MaxTrainableParamsFraction) is { } mtf ? Fraction(mtf, TrialEnv.MaxTrainableParamsFraction) : null,
            LearningRate = Get(TrainerEnv.LearningRate) is { } plr ? Double(plr, TrainerEnv.LearningRate) : 2e-3,
        };
    }

    /// <summary>The token in <paramref name="path"/> without surrounding whitespace; a named file that cannot be read is a configuration error.</summary>
    private static string? ReadTokenFile(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } token
                ? token
                : throw new TrialConfigurationException($"{TrialEnv.TokenFile}: {path} is empty (it should hold the trial's token)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrialConfigurationException($"{TrialEnv.TokenFile}: cannot read {path}: {e.Message} (the operator mounts the token Secret there)");
        }
    }

    /// <summary>Accepts "accuracy"/"loss", optionally prefixed "eval." or "eval/".</summary>
    private static string NormalizeObjective(string objective)
    {
        var o = objective.Trim().ToLowerInvariant();
        foreach (var prefix in new[] { "eval.", "eval/", "eval_" })
        {
            if (o.StartsWith(prefix, StringComparison.Ordinal))
            {
                o = o[prefix.Length..];
            }
        }

        return o is "accuracy" or "loss"
            ? o
            : throw new TrialConfigurationException($"{TrialEnv.Objective}='{objective}' is not supported by this trainer; use 'accuracy' or 'loss'");
    }

    private static string? LocalPath(string? uri, string env)
    {
        if (string.IsNullOrWhiteSpace(uri))
        {
            return null;
        }

        if (uri.StartsWith("file://", StringComparison.Ordinal))
        {
            return new Uri(uri).LocalPath;
        }

        if (uri.Contains("://", StringComparison.Ordinal))
        {
            throw new TrialConfigurationException($"{env}='{uri}': only local paths and file:// URIs are supported (mount the volume and pass its path)");
        }

        return uri;
    }

    private static int Int(string? value, string env, int fallback, int min)
    {
        if (value is null)
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new TrialConfigurationException($"{env}='{value}' must be an integer >= {min}");
    }

    private static double Fraction(string value, string env) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 1
            ? v
            : throw new TrialConfigurationException($"{env}='{value}' must be a fraction in (0, 1]");

    private static double Double(string value, string env) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new TrialConfigurationException($"{env}='{value}' must be a number > 0");
}
