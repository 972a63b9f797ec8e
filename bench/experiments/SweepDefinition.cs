using System.Globalization;
using System.Text.Json.Nodes;

namespace ClusterTune.Experiments;

/// <summary>
/// One real sweep: a grid FineTuneJob whose parameters are fixed value lists (each setting runs once per listed
/// seed, so every setting sees the same few-label samples), run by the operator in local mode (`ctune run`).
/// </summary>
/// <param name="Name">The FineTuneJob's name (also its work directory under the experiments cache).</param>
/// <param name="Base">Where trials start: <see cref="FashionBase"/>, <see cref="Scratch"/> or "sweep:NAME" (the promoted best checkpoint of an earlier sweep).</param>
/// <param name="Epochs">trainer.epochs of every trial.</param>
/// <param name="Grid">Parameter name → the values the grid takes (knobs and CT_PARAMS keys such as seed, labelsPerClass).</param>
/// <param name="Architecture">The model (spec.model.architecture): the reference CNN or the text encoder.</param>
internal sealed record SweepDefinition(string Name, string Base, int Epochs, IReadOnlyDictionary<string, IReadOnlyList<double>> Grid, string Architecture = SweepDefinition.Cnn)
{
    public const string Cnn = "clustertune-cnn-v1";
    public const string Text = "clustertune-text-v1";

    /// <summary>The text workload's masked-token base `make pretrained-text` prepares.</summary>
    public const string SpamBase = "spam";

    /// <summary>The Fashion-MNIST base `make pretrained` prepares (the reference workload's pretrained model).</summary>
    public const string FashionBase = "fashion";

    /// <summary>No base: the trainer initialises the model at random and trains at the pretraining LR × lrFactor.</summary>
    public const string Scratch = "scratch";

    /// <summary>Prefix of a base that is the promoted best checkpoint of another sweep of the same run.</summary>
    public const string SweepPrefix = "sweep:";

    public const int BatchSize = 32;

    /// <summary>Held-out examples every epoch is evaluated on (a fixed subset, the same for every trial; the text set has 558).</summary>
    public const int EvalLimit = 500;

    private static readonly string[] Knobs = ["freezeDepth", "lrFactor", "loraRank"];

    /// <summary>Trials in the grid.</summary>
    public int Trials => Grid.Values.Aggregate(1, (n, v) => n * v.Count);

    /// <summary>The FineTuneJob as JSON (YAML's subset, which `ctune run` reads); <paramref name="baseUri"/> is the resolved base (null = scratch).</summary>
    public string ToJobJson(string? baseUri)
    {
        var space = new JsonObject();
        var extra = new JsonObject();
        foreach (var (name, values) in Grid)
        {
            var p = new JsonObject { ["type"] = "categorical", ["values"] = new JsonArray([.. values.Select(Value)]) };
            (Knobs.Contains(name) ? space : extra)[name] = p;
        }
        if (extra.Count > 0)
        {
            space["parameters"] = extra;
        }

        var trainer = new JsonObject
        {
            ["image"] = "clustertune/trainer:dev",
            ["epochs"] = Epochs,
            ["batchSize"] = BatchSize,
            ["env"] = new JsonArray(
                new JsonObject { ["name"] = "CT_THREADS", ["value"] = "1" },
                new JsonObject { ["name"] = "CT_EVAL_LIMIT", ["value"] = EvalLimit.ToString(CultureInfo.InvariantCulture) }),
            ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "1", ["memory"] = "1Gi" } },
        };
        if (baseUri is null)
        {
            // An empty --model flag wins over CT_MODEL_URI: the trainer then starts from a random initialisation.
            trainer["args"] = new JsonArray("--model=");
        }

        var job = new JsonObject
        {
            ["apiVersion"] = "clustertune.io/v1alpha1",
            ["kind"] = "FineTuneJob",
            ["metadata"] = new JsonObject { ["name"] = Name },
            ["spec"] = new JsonObject
            {
                ["model"] = new JsonObject { ["baseCheckpointUri"] = baseUri ?? "file:///var/cache/clustertune/models/clustertune-cnn-fashion/base", ["architecture"] = Architecture },
                ["dataset"] = new JsonObject { ["trainUri"] = "file:///var/cache/clustertune/data", ["labelsPerClass"] = 30 },
                ["trainer"] = trainer,
                ["searchSpace"] = space,
                ["objective"] = new JsonObject { ["metric"] = "accuracy", ["direction"] = "maximize" },
                ["algorithm"] = new JsonObject { ["name"] = "grid", ["seed"] = 1 },
                ["budget"] = new JsonObject { ["maxTrials"] = Trials, ["parallelism"] = 2, ["maxFailedTrials"] = 3 },
                ["checkpoints"] = new JsonObject { ["keepTop"] = 1 },
                ["retryPolicy"] = new JsonObject { ["maxAttempts"] = 2 },
            },
        };
        return job.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    // Whole numbers stay integers (loraRank: 4, never 4.0).
    private static JsonNode Value(double v) => v == Math.Floor(v) && Math.Abs(v) < 1e9 ? JsonValue.Create((long)v) : JsonValue.Create(v);
}
