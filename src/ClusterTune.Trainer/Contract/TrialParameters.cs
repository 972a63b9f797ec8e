using System.Globalization;
using System.Text.Json;
using ClusterTune.Api.Contract;

namespace ClusterTune.Trainer.Contract;

/// <summary>
/// The trial's hyperparameters from CT_PARAMS (docs/design/knobs.md). Known names are typed and validated; any other
/// name is kept in <see cref="Other"/> (it still reaches the resource attributes and the result).
/// </summary>
public sealed record TrialParameters
{
    public const string FreezeDepthName = KnobNames.FreezeDepth;
    public const string LrFactorName = KnobNames.LrFactor;
    public const string LoraRankName = KnobNames.LoraRank;
    public const string HeadLrFactorName = KnobNames.HeadLrFactor;
    public const string LoraAlphaName = KnobNames.LoraAlpha;
    public const string LoraTargetsName = "loraTargets";
    public const string WeightDecayName = "weightDecay";
    public const string WarmupFractionName = "warmupFraction";
    public const string LabelsPerClassName = "labelsPerClass";
    public const string SeedName = "seed";
    public const string UnfreezeEveryName = "unfreezeEvery";
    public const string AuxObjectiveName = "auxObjective";
    public const string AuxWeightName = "auxWeight";
    public const string AuxWeightEndName = "auxWeightEnd";
    public const string AuxWeightScheduleName = "auxWeightSchedule";

    /// <summary>The auxiliary objectives this trainer knows: L2-SP, the distance from the starting weights.</summary>
    public const string L2Sp = "l2sp";

    /// <summary>Stem plus the first k blocks frozen; 0 freezes nothing.</summary>
    public int FreezeDepth { get; init; }

    /// <summary>LR of the adapted pretrained weights (or LoRA adapters) = pretraining LR × this.</summary>
    public double LrFactor { get; init; } = 1.0;

    /// <summary>0 = full fine-tuning of the unfrozen blocks; r &gt; 0 = LoRA adapters of rank r on frozen base weights.</summary>
    public int LoraRank { get; init; }

    /// <summary>LR of the new task head = pretraining LR × this.</summary>
    public double HeadLrFactor { get; init; } = 1.0;

    /// <summary>LoRA scale numerator (scale = alpha / r); null means alpha = r (scale 1).</summary>
    public double? LoraAlpha { get; init; }

    /// <summary>
    /// Which layer kinds get adapters; empty (the default) means the model's own default: "conv" and "linear" for the
    /// CNN, "q" and "v" (the attention query and value projections) for the text encoder.
    /// </summary>
    public IReadOnlyList<string> LoraTargets { get; init; } = [];

    /// <summary>Every LoRA target kind some model has (each model refuses the kinds it lacks).</summary>
    public static IReadOnlyList<string> TargetKinds { get; } = ["conv", "linear", "q", "k", "v", "o", "ffn"];

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Fraction of all steps spent in linear warmup before the cosine decay.</summary>
    public double WarmupFraction { get; init; } = 0.1;

    /// <summary>Overrides the few-label sample size when present.</summary>
    public int? LabelsPerClass { get; init; }

    /// <summary>Overrides the seed when present.</summary>
    public int? Seed { get; init; }

    /// <summary>Gradual unfreezing: one more block unfrozen every N epochs from all-frozen down to freezeDepth; 0 = off.</summary>
    public int UnfreezeEvery { get; init; }

    /// <summary>The auxiliary objective added to the main loss with weight α(t) (only "l2sp" today).</summary>
    public string AuxObjective { get; init; } = L2Sp;

    /// <summary>α at the first step; 0 (default) turns the auxiliary objective off.</summary>
    public double AuxWeight { get; init; }

    /// <summary>α at the last step; null keeps <see cref="AuxWeight"/> throughout.</summary>
    public double? AuxWeightEnd { get; init; }

    /// <summary>How α moves from start to end: cosine (default), linear or constant.</summary>
    public Training.LrDecay AuxWeightSchedule { get; init; } = Training.LrDecay.Cosine;

    /// <summary>Every parameter as given (known and unknown), for resource attributes and manifests.</summary>
    public IReadOnlyDictionary<string, string> All { get; init; } = new Dictionary<string, string>();

    /// <summary>Names not understood by this trainer.</summary>
    public IReadOnlyList<string> Other { get; init; } = [];

    /// <summary>Parses the CT_PARAMS JSON object; an empty or missing value gives the defaults.</summary>
    public static TrialParameters Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new TrialParameters();
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TrialConfigurationException($"CT_PARAMS is not valid JSON ({e.Message}); expected an object such as {{\"freezeDepth\":2,\"lrFactor\":0.1,\"loraRank\":4}}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new TrialConfigurationException($"CT_PARAMS must be a JSON object, got {document.RootElement.ValueKind}");
            }

            var p = new TrialParameters();
            var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var other = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var v = property.Value;
                all[property.Name] = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
                p = property.Name switch
                {
                    FreezeDepthName => p with { FreezeDepth = Int(v, property.Name, min: 0) },
                    LrFactorName => p with { LrFactor = Positive(v, property.Name) },
                    LoraRankName => p with { LoraRank = Int(v, property.Name, min: 0) },
                    HeadLrFactorName => p with { HeadLrFactor = Positive(v, property.Name) },
                    LoraAlphaName => p with { LoraAlpha = Positive(v, property.Name) },
                    LoraTargetsName => p with { LoraTargets = Targets(v) },
                    WeightDecayName => p with { WeightDecay = NonNegative(v, property.Name) },
                    WarmupFractionName => p with { WarmupFraction = Fraction(v, property.Name) },
                    LabelsPerClassName => p with { LabelsPerClass = Int(v, property.Name, min: 1) },
                    SeedName => p with { Seed = Int(v, property.Name, min: 0) },
                    UnfreezeEveryName => p with { UnfreezeEvery = Int(v, property.Name, min: 0) },
                    AuxObjectiveName => p with { AuxObjective = OneOf(v, property.Name, [L2Sp]) },
                    AuxWeightName => p with { AuxWeight = NonNegative(v, property.Name) },
                    AuxWeightEndName => p with { AuxWeightEnd = NonNegative(v, property.Name) },
                    AuxWeightScheduleName => p with { AuxWeightSchedule = Enum.Parse<Training.LrDecay>(OneOf(v, property.Name, ["cosine", "linear", "constant"]), ignoreCase: true) },
                    _ => Unknown(p, property.Name, other),
                };
            }

            return p with { All = all, Other = other };
        }
    }

    private static TrialParameters Unknown(TrialParameters p, string name, List<string> other)
    {
        other.Add(name);
        return p;
    }

    private static double Number(JsonElement v, string name)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetDouble();
        }

        if (v.ValueKind == JsonValueKind.String &&
            double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw new TrialConfigurationException($"CT_PARAMS.{name} must be a number, got {v.GetRawText()}");
    }

    private static int Int(JsonElement v, string name, int min)
    {
        var d = Number(v, name);
        if (d != Math.Floor(d) || d < min || d > int.MaxValue)
        {
            throw new TrialConfigurationException($"CT_PARAMS.{name} must be an integer >= {min}, got {v.GetRawText()}");
        }

        return (int)d;
    }

    private static double Positive(JsonElement v, string name)
    {
        var d = Number(v, name);
        return d > 0 && double.IsFinite(d) ? d : throw new TrialConfigurationException($"CT_PARAMS.{name} must be a finite number > 0, got {v.GetRawText()}");
    }

    private static double NonNegative(JsonElement v, string name)
    {
        var d = Number(v, name);
        return d >= 0 && double.IsFinite(d) ? d : throw new TrialConfigurationException($"CT_PARAMS.{name} must be a finite number >= 0, got {v.GetRawText()}");
    }

    private static double Fraction(JsonElement v, string name)
    {
        var d = Number(v, name);
        return d is >= 0 and < 1 ? d : throw new TrialConfigurationException($"CT_PARAMS.{name} must be in [0, 1), got {v.GetRawText()}");
    }

    private static string OneOf(JsonElement v, string name, string[] allowed)
    {
        var text = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        return allowed.Contains(text, StringComparer.Ordinal)
            ? text
            : throw new TrialConfigurationException($"CT_PARAMS.{name} must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got {v.GetRawText()}");
    }

    private static string[] Targets(JsonElement v)
    {
        IEnumerable<string> items = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            JsonValueKind.Array => v.EnumerateArray().Select(e => e.GetString() ?? ""),
            _ => throw new TrialConfigurationException($"CT_PARAMS.{LoraTargetsName} must be a comma-separated string such as \"conv,linear\" or \"q,v\", or an array of those, got {v.GetRawText()}"),
        };
        var targets = items.Select(s => s.ToLowerInvariant()).Distinct().ToArray();
        if (targets.Length == 0 || targets.Any(t => !TargetKinds.Contains(t)))
        {
            throw new TrialConfigurationException($"CT_PARAMS.{LoraTargetsName} accepts {string.Join(", ", TargetKinds)} (conv/linear for the CNN, q/k/v/o/ffn for the text encoder), got {v.GetRawText()}");
        }

        return targets;
    }
}
