using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterTune.Api.Contract;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>
/// Fills every absent field of a FineTuneJob spec with its documented default (docs/api.md). Pure: returns a new
/// spec and never changes the input; values the user set are kept even when invalid (validation reports them).
/// </summary>
public static class FineTuneJobDefaults
{
    public const int Epochs = 10;
    public const int BatchSize = 64;
    public const double PretrainingLearningRate = 0.001;
    public const string ObjectiveMetric = "accuracy";
    public const AlgorithmName Algorithm = AlgorithmName.Random;
    public const long Seed = 0;
    public const int MaxTrials = 12;
    /// <summary>Upper bound of the grid-size default of maxTrials (a huge grid still needs an explicit maxTrials).</summary>
    public const int MaxGridTrials = 1000;
    public const int Parallelism = 2;
    public const int MaxFailedTrials = 3;
    public const int KeepTop = 3;
    public const int MaxAttempts = 3;
    public const string HeartbeatTimeout = "10m";
    public const string RetryBackoff = "10s";

    /// <summary>The longest wait before a retry, however many attempts were used (a Kubernetes Job's is 6 min).</summary>
    public static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromMinutes(5);
    public const int MinResource = 1;
    public const int ReductionFactor = 3;
    public const int MedianGracePeriod = 1;
    public const int MedianMinTrials = 3;

    /// <summary>Default freezeDepth: int 0..2 (nothing, the first block, the first two blocks frozen).</summary>
    public static ParameterSpec FreezeDepth() => DefaultSpace.FreezeDepthSpec();

    /// <summary>
    /// The space a job without a preset searches: full fine-tuning's lrFactor and LoRA's loraLrFactor are separate
    /// ranges, because LoRA's best LR is far higher (docs/experiments.md#b-lr-factor).
    /// </summary>
    public static SearchSpacePreset DefaultSpace { get; } = new("default", "no preset: full fine-tuning and LoRA each get the LR range that worked across the experiments",
        "experiments.md#b-lr-factor (full fine-tuning best at 1-10, LoRA at 3-10 and diverging at 30), #c-lora-share", FreezeDepth: (0, 2), LrFactor: (0.1, 10), LoraLrFactor: (1, 10), LoraRanks: [0, 4, 8]);

    /// <summary>Default lrFactor (full fine-tuning when loraLrFactor is in use): float 0.1..10 on a log scale; under grid 0.1, 0.3, 1, 3, 10.</summary>
    public static ParameterSpec LrFactor(AlgorithmName algorithm) => DefaultSpace.LrFactorSpec(algorithm);

    /// <summary>Default loraLrFactor (LoRA trials): float 1..10 on a log scale; under grid 1, 3, 10.</summary>
    public static ParameterSpec LoraLrFactor(AlgorithmName algorithm) => DefaultSpace.LoraLrFactorSpec(algorithm);

    /// <summary>Default loraRank: categorical 0 (full fine-tune), 4, 8; under cmaes (ranges only) the same values as int 0..8 step 4.</summary>
    public static ParameterSpec LoraRank(AlgorithmName algorithm) => DefaultSpace.LoraRankSpec(algorithm);

    /// <summary>Attempts a trial may use: the job's retryPolicy.maxAttempts plus one per ASHA promotion (rung).</summary>
    public static int AllowedAttempts(FineTuneJobSpec spec, TrialSpec trial) => Apply(spec).AllowedAttempts(trial);

    /// <summary>Epochs a trial trains to: its own budget, else the job's trainer.epochs.</summary>
    public static int TrialEpochs(FineTuneJobSpec spec, TrialSpec trial) => Apply(spec).TrialEpochs(trial);

    /// <summary>
    /// Returns a copy of <paramref name="spec"/> with every absent field defaulted, as an <see cref="EffectiveSpec"/>:
    /// apply it once where a decision starts (a reconcile, a command) and pass the result down.
    /// </summary>
    public static EffectiveSpec Apply(FineTuneJobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = Clone(spec);
        s.Model ??= new ModelSpec();
        s.Dataset ??= new DatasetSpec();
        s.Trainer ??= new TrainerSpec();
        s.Trainer.Epochs ??= Epochs;
        s.Trainer.BatchSize ??= BatchSize;
        s.Trainer.PretrainingLearningRate ??= PretrainingLearningRate;

        s.Algorithm ??= new AlgorithmSpec();
        s.Algorithm.Name ??= Algorithm;
        s.Algorithm.Seed ??= Seed;

        s.SearchSpace ??= new SearchSpace();
        ApplySearchSpace(s.SearchSpace, s.Algorithm.Name.Value);
        foreach (var (_, p) in s.SearchSpace.AllParameters())
        {
            ApplyParameter(p);
        }

        foreach (var o in s.Objectives ?? [])
        {
            if (o is null)
            {
                continue;
            }

            o.Metric ??= ObjectiveMetric;
            o.Direction ??= DirectionFor(o.Metric);
        }

        // The primary objective is objectives[0]; spec.objective may still carry the target.
        s.Objective ??= new ObjectiveSpec();
        if (s.Objectives is [{ } primary, ..])
        {
            s.Objective.Metric ??= primary.Metric;
            s.Objective.Direction ??= primary.Direction;
        }

        s.Objective.Metric ??= ObjectiveMetric;
        s.Objective.Direction ??= DirectionFor(s.Objective.Metric);

        s.EarlyStopping ??= new EarlyStoppingSpec();
        ApplyEarlyStopping(s.EarlyStopping, Math.Max(1, s.Trainer.Epochs.Value));

        s.Budget ??= new BudgetSpec();
        s.Budget.MaxTrials ??= s.Algorithm.Name == AlgorithmName.Grid
            ? (int)Math.Clamp((GridSize(s.SearchSpace) ?? MaxTrials) * (s.Algorithm.SeedsPerConfig ?? 1), 1, MaxGridTrials)
            : MaxTrials;
        s.Budget.Parallelism ??= Math.Max(1, Math.Min(Parallelism, s.Budget.MaxTrials.Value));
        s.Budget.MaxFailedTrials ??= MaxFailedTrials;

        s.Checkpoints ??= new CheckpointSpec();
        s.Checkpoints.KeepTop ??= KeepTop;
        s.Checkpoints.DeletePolicy ??= CheckpointDeletePolicy.KeepPromoted;

        s.RetryPolicy ??= new RetryPolicy();
        s.RetryPolicy.MaxAttempts ??= MaxAttempts;
        s.RetryPolicy.RetryOnOom ??= false;
        s.RetryPolicy.HeartbeatTimeout ??= HeartbeatTimeout;
        s.RetryPolicy.Backoff ??= RetryBackoff;

        s.Suspend ??= false;
        return new EffectiveSpec(s);
    }

    /// <summary>minimize for metric names that contain "loss" or "error", maximize otherwise.</summary>
    public static ObjectiveDirection DirectionFor(string metric) =>
        metric.Contains("loss", StringComparison.OrdinalIgnoreCase) || metric.Contains("error", StringComparison.OrdinalIgnoreCase)
            ? ObjectiveDirection.Minimize
            : ObjectiveDirection.Maximize;

    /// <summary>
    /// Number of grid points (product of each parameter's value count, conditional ones included as an upper bound,
    /// except lrFactor / loraLrFactor, which split a loraRank list exactly);
    /// null when a dimension is continuous (a float range without step) or malformed.
    /// </summary>
    public static long? GridSize(SearchSpace space)
    {
        // lrFactor and loraLrFactor split by loraRank (0 / > 0): count the pair exactly when loraRank is a list.
        var split = space is { LoraLrFactor: { } lora, LrFactor: { } full, LoraRank: { Type: ParameterType.Categorical, Values: { Count: > 0 } ranks } };
        long size = 1;
        if (split)
        {
            var zero = space.LoraRank!.Values!.Count(v => v.IsNumber && v.Number == 0);
            if (Points(space.LrFactor!) is not { } f || Points(space.LoraLrFactor!) is not { } l)
            {
                return null;
            }

            size = (f * zero) + (l * (space.LoraRank.Values!.Count - zero));
        }

        foreach (var (name, p) in space.AllParameters())
        {
            if (split && name is Contract.KnobNames.LrFactor or SearchSpace.LoraLrFactorName or Contract.KnobNames.LoraRank)
            {
                continue;
            }

            var n = Points(p);
            if (n is null)
            {
                return null;
            }

            size = size > long.MaxValue / Math.Max(1, n.Value) ? long.MaxValue : size * n.Value;
        }
        return size;
    }

    // The grid points of one parameter; null when it is continuous or malformed.
    private static long? Points(ParameterSpec p) => p.Type switch
    {
        ParameterType.Categorical => p.Values is { Count: > 0 } v ? v.Count : null,
        _ when p.Min is { } min && p.Max is { } max && max >= min && (p.Step ?? (p.Type == ParameterType.Int ? 1 : 0)) is > 0 and var step
            => (long)Math.Floor((max - min) / step + 1e-9) + 1,
        _ => null,
    };

    /// <summary>Hyperband's natural bracket count: floor(log_rf(max/min)) + 1.</summary>
    public static int HyperbandBrackets(int minResource, int maxResource, int reductionFactor)
    {
        if (minResource < 1 || maxResource < minResource || reductionFactor < 2)
        {
            return 1;
        }

        var b = 0;
        for (long r = minResource; r * reductionFactor <= maxResource; r *= reductionFactor)
        {
            b++;
        }

        return b + 1;
    }

    // Knobs the spec sets win; a preset (an unknown name falls back to the default space: validation reports it) fills the others,
    // then the default space. A separate LoRA range is added only when lrFactor itself is not given: an explicit
    // lrFactor alone applies to every trial, as before loraLrFactor existed.
    private static void ApplySearchSpace(SearchSpace space, AlgorithmName algorithm)
    {
        var source = SearchSpacePresets.Find(space.Preset) ?? DefaultSpace;
        if (space.LrFactor is null)
        {
            space.LrFactor = source.LrFactorSpec(algorithm);
            space.LoraLrFactor ??= source.LoraLrFactorSpec(algorithm);
        }

        space.FreezeDepth ??= source.FreezeDepthSpec();
        space.LoraRank ??= source.LoraRankSpec(algorithm);
    }

    private static void ApplyParameter(ParameterSpec p)
    {
        if (p.Type == ParameterType.Categorical)
        {
            return;
        }

        p.Scale ??= ParameterScale.Linear;
        if (p.Type == ParameterType.Int && p.Scale == ParameterScale.Linear)
        {
            p.Step ??= 1;
        }
    }

    private static void ApplyEarlyStopping(EarlyStoppingSpec e, int epochs)
    {
        e.Type ??= EarlyStoppingType.None;
        switch (e.Type)
        {
            case EarlyStoppingType.Asha or EarlyStoppingType.Hyperband:
                e.MinResource ??= MinResource;
                e.MaxResource ??= epochs;
                e.ReductionFactor ??= ReductionFactor;
                e.Mode ??= EarlyStoppingMode.Stop;
                e.Brackets ??= e.Type == EarlyStoppingType.Asha
                    ? 1
                    : HyperbandBrackets(e.MinResource.Value, e.MaxResource.Value, e.ReductionFactor.Value);
                break;
            case EarlyStoppingType.Median:
                e.GracePeriod ??= MedianGracePeriod;
                e.MinTrials ??= MedianMinTrials;
                break;
        }
    }

    // A JSON round trip is the simplest faithful deep copy of a plain data tree; NaN and infinities set from C#
    // must survive it so that validation can report them.
    private static readonly JsonSerializerOptions CloneOptions = new(ApiJson.Options) { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static FineTuneJobSpec Clone(FineTuneJobSpec spec) =>
        JsonSerializer.Deserialize<FineTuneJobSpec>(JsonSerializer.Serialize(spec, CloneOptions), CloneOptions)!;
}
