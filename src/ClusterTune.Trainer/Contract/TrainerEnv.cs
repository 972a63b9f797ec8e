namespace ClusterTune.Trainer.Contract;

/// <summary>Settings specific to ClusterTune's own trainer (not part of the trial contract every trainer honours).</summary>
public static class TrainerEnv
{
    /// <summary>Part of the trial contract now (the operator sets it per trial); kept here for the trainer's flag table.</summary>
    public const string Seed = ClusterTune.Api.Contract.TrialEnv.Seed;
    /// <summary>libtorch intra-op threads (set once at start-up).</summary>
    public const string Threads = "CT_THREADS";
    /// <summary>Use at most this many training examples (0 = all); for quick runs and the pretraining budget.</summary>
    public const string TrainLimit = "CT_TRAIN_LIMIT";
    /// <summary>Evaluate on at most this many examples (0 = the whole split).</summary>
    public const string EvalLimit = "CT_EVAL_LIMIT";
    /// <summary>Stop after this many optimizer steps in total (0 = no cap); tests and benches.</summary>
    public const string MaxSteps = "CT_MAX_STEPS";
    /// <summary>Learning rate of the `pretrain` command.</summary>
    public const string LearningRate = "CT_LR";
    /// <summary>OTLP export interval in milliseconds (standard OpenTelemetry variable).</summary>
    public const string MetricExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
}
