using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// A FineTuneJob spec with every default applied (<see cref="FineTuneJobDefaults.Apply"/>), seen through non-nullable
/// sections and values: a reconcile computes it once and hands it to every decision, so no decision re-applies a
/// default or asserts that one was applied. Values the user set are kept even when invalid (validation reports them).
/// </summary>
[JsonConverter(typeof(EffectiveSpecJsonConverter))]
public sealed class EffectiveSpec
{
    internal EffectiveSpec(FineTuneJobSpec defaulted)
    {
        Spec = defaulted;
        Algorithm = defaulted.Algorithm!;
        SearchSpace = defaulted.SearchSpace!;
        Objective = defaulted.Objective!;
        EarlyStopping = defaulted.EarlyStopping!;
        Budget = defaulted.Budget!;
        Checkpoints = defaulted.Checkpoints!;
        RetryPolicy = defaulted.RetryPolicy!;
    }

    /// <summary>The defaulted spec itself (to serialise, validate or copy).</summary>
    public FineTuneJobSpec Spec { get; }

    public ModelSpec Model => Spec.Model;
    public DatasetSpec Dataset => Spec.Dataset;
    public TrainerSpec Trainer => Spec.Trainer;
    public AlgorithmSpec Algorithm { get; }
    public SearchSpace SearchSpace { get; }
    public ObjectiveSpec Objective { get; }

    /// <summary>Every objective, the primary first (null when the spec names only <see cref="Objective"/>).</summary>
    public List<ObjectiveSpec>? Objectives => Spec.Objectives;
    public EarlyStoppingSpec EarlyStopping { get; }
    public BudgetSpec Budget { get; }
    public CheckpointSpec Checkpoints { get; }
    public RetryPolicy RetryPolicy { get; }
    public bool Suspend => Spec.Suspend ?? false;

    /// <summary>trainer.epochs.</summary>
    public int Epochs => Trainer.Epochs ?? FineTuneJobDefaults.Epochs;

    /// <summary>objective.metric.</summary>
    public string Metric => Objective.Metric ?? FineTuneJobDefaults.ObjectiveMetric;

    /// <summary>objective.direction.</summary>
    public ObjectiveDirection Direction => Objective.Direction ?? FineTuneJobDefaults.DirectionFor(Metric);

    /// <summary>algorithm.name.</summary>
    public AlgorithmName AlgorithmName => Algorithm.Name ?? FineTuneJobDefaults.Algorithm;

    /// <summary>budget.maxTrials.</summary>
    public int MaxTrials => Budget.MaxTrials ?? FineTuneJobDefaults.MaxTrials;

    /// <summary>budget.parallelism.</summary>
    public int Parallelism => Budget.Parallelism ?? FineTuneJobDefaults.Parallelism;

    /// <summary>checkpoints.keepTop.</summary>
    public int KeepTop => Checkpoints.KeepTop ?? FineTuneJobDefaults.KeepTop;

    /// <summary>The full per-trial resource in epochs: earlyStopping.maxResource when set, else trainer.epochs.</summary>
    public int MaxResource => EarlyStopping.MaxResource ?? Epochs;

    /// <summary>retryPolicy.heartbeatTimeout as a duration; null when it is 0 (no stuck-trial check) or invalid (validation reports it).</summary>
    public TimeSpan? HeartbeatTimeout => GoDuration.TryParse(RetryPolicy.HeartbeatTimeout, out var t) && t > TimeSpan.Zero ? t : null;

    /// <summary>
    /// How long after attempt <paramref name="attempt"/> ended its retry waits: retryPolicy.backoff doubled for each
    /// attempt before it, at most <see cref="FineTuneJobDefaults.MaxRetryBackoff"/>; zero when the backoff is 0s.
    /// </summary>
    public TimeSpan RetryBackoff(int attempt)
    {
        var first = GoDuration.TryParse(RetryPolicy.Backoff ?? FineTuneJobDefaults.RetryBackoff, out var b) && b > TimeSpan.Zero ? b : TimeSpan.Zero;
        var max = FineTuneJobDefaults.MaxRetryBackoff;
        return first >= max ? max : TimeSpan.FromTicks((long)Math.Min(max.Ticks, first.Ticks * Math.Pow(2, Math.Max(0, attempt - 1))));
    }

    /// <summary>Attempts a trial may use: retryPolicy.maxAttempts plus one per ASHA promotion (rung).</summary>
    public int AllowedAttempts(TrialSpec trial) => (RetryPolicy.MaxAttempts ?? FineTuneJobDefaults.MaxAttempts) + (trial.Rung ?? 0);

    /// <summary>Epochs a trial trains to: its own budget, else trainer.epochs.</summary>
    public int TrialEpochs(TrialSpec trial) => trial.Epochs ?? Epochs;

    /// <summary>The defaulted spec, for code that reads the plain API type.</summary>
    public static implicit operator FineTuneJobSpec(EffectiveSpec effective) => effective?.Spec!;
}

/// <summary>An effective spec is written as the defaulted spec it wraps (never as its views), and read back through Apply.</summary>
internal sealed class EffectiveSpecJsonConverter : JsonConverter<EffectiveSpec>
{
    public override EffectiveSpec? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<FineTuneJobSpec>(ref reader, options) is { } spec ? FineTuneJobDefaults.Apply(spec) : null;

    public override void Write(Utf8JsonWriter writer, EffectiveSpec value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Spec, options);
}
