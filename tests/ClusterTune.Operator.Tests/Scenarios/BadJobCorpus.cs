using System.Text.Json.Nodes;
using k8s;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// Issue 13's bad-input corpus of FineTuneJobs, generated: each field of a valid job × the hostile values of its
/// type (negative, huge, NaN, wrong JSON type, 1 MB strings, path tricks, unknown enum values, ...), each with the
/// field path its rejection must name.
/// </summary>
internal static class BadJobCorpus
{
    /// <summary>One hostile job: its name, the field path the refusal must name, and the job as JSON.</summary>
    public sealed record Case(string Name, string Field, string What, JsonObject Job);

    private static readonly string Huge = new('m', 1 << 20);

    private static readonly string[] IntFields =
    [
        "spec.trainer.epochs", "spec.trainer.batchSize", "spec.dataset.labelsPerClass", "spec.budget.maxTrials", "spec.budget.parallelism",
        "spec.budget.maxFailedTrials", "spec.budget.notImprovingTrials", "spec.checkpoints.keepTop", "spec.retryPolicy.maxAttempts",
    ];

    private static readonly string[] NumberFields =
    [
        "spec.trainer.pretrainingLearningRate", "spec.budget.maxGpuHours", "spec.searchSpace.constraints.maxTrainableParamsFraction", "spec.objective.target",
    ];

    private static readonly string[] StringFields =
    [
        "spec.objective.metric", "spec.trainer.image", "spec.model.baseCheckpointUri", "spec.dataset.trainUri", "spec.dataset.validationUri",
        "spec.model.architecture", "spec.trainer.priorityClassName", "spec.checkpoints.storageRoot", "spec.checkpoints.promotePath",
        "spec.budget.maxDuration", "spec.budget.trialDeadline", "spec.retryPolicy.heartbeatTimeout",
    ];

    private static readonly string[] EnumFields =
    [
        "spec.algorithm.name", "spec.objective.direction", "spec.earlyStopping.type", "spec.checkpoints.deletePolicy",
        "spec.searchSpace.lrFactor.type", "spec.searchSpace.lrFactor.scale",
    ];

    /// <summary>The corpus; <paramref name="outside"/> is a directory outside the operator's checkpoint root, <paramref name="root"/> the root.</summary>
    public static List<Case> Generate(JsonObject valid, string root, string outside)
    {
        var cases = new List<(string Field, string What, Action<JsonObject> Mutate)>();
        void Add(string field, string what, Action<JsonObject> mutate) => cases.Add((field, what, mutate));
        void SetTo(string field, string what, JsonNode? value) => Add(field, what, j => Set(j, field, value));
        void Put(string field, string what, string at, JsonNode value) => Add(field, what, j => Set(j, at, value));

        foreach (var f in IntFields)
        {
            SetTo(f, "-1", -1);
            SetTo(f, "2^31", 2147483648L);
            SetTo(f, "1.5", 1.5);
            SetTo(f, "1e300", JsonNode.Parse("1e300"));
            SetTo(f, "a string", "ten");
            SetTo(f, "a boolean", true);
            SetTo(f, "an array", new JsonArray(1));
            SetTo(f, "an object", new JsonObject { ["a"] = 1 });
        }
        foreach (var f in NumberFields)
        {
            if (f != "spec.objective.target")
            {
                SetTo(f, "-1", -1);
            }

            SetTo(f, "\"NaN\"", "NaN");
            SetTo(f, "\"Infinity\"", "Infinity");
            SetTo(f, "1e309", JsonNode.Parse("1e309"));
            SetTo(f, "a boolean", false);
            SetTo(f, "an array", new JsonArray(0.1));
            SetTo(f, "an object", new JsonObject { ["v"] = 1 });
        }
        foreach (var f in StringFields)
        {
            SetTo(f, "1 MB", Huge);
            SetTo(f, "a number", 42);
            SetTo(f, "an array", new JsonArray("a"));
            SetTo(f, "an object", new JsonObject { ["a"] = "b" });
        }
        foreach (var m in new[] { "", "1abc", "a b", "x;drop", "ü" })
        {
            SetTo("spec.objective.metric", $"'{m}'", m);
        }

        foreach (var f in new[] { "spec.budget.maxDuration", "spec.budget.trialDeadline", "spec.retryPolicy.heartbeatTimeout" })
        {
            foreach (var d in new[] { "10", "-5m", "forever", "0s" })
            {
                SetTo(f, $"'{d}'", d);
            }
        }

        foreach (var f in new[] { "spec.checkpoints.storageRoot", "spec.checkpoints.promotePath" })
        {
            foreach (var p in new[] { "../etc", "file:///x/%2e%2e/etc", "%2e%2e/%2e%2e/etc", "%252e%252e/x", "..\\..\\x", "s3://bucket/x", "a\u0000b", outside, "file://" + outside })
            {
                Add(f, $"'{p}'", j => { Set(j, f, p); Set(j, "spec.checkpoints.deletePolicy", "delete"); });
            }
        }

        SetTo("spec.checkpoints.promotePath", "the root itself", root);
        foreach (var f in EnumFields)
        {
            SetTo(f, "an unknown value", "annealing");
            SetTo(f, "a number", 7);
        }
        JsonObject Hook(JsonNode url, JsonNode on) => new() { ["url"] = url, ["on"] = new JsonArray(on) };
        Put("spec.notify[0].on[0]", "an unknown event", "spec.notify", new JsonArray(Hook("https://hooks.example.com/ct", "Started")));
        Put("spec.notify[0].url", "a relative url", "spec.notify", new JsonArray(Hook("/hooks", "Failed")));
        Put("spec.notify[0].url", "an ftp url", "spec.notify", new JsonArray(Hook("ftp://hooks.example.com/", "Failed")));
        Put("spec.warmStartFrom[0]", "not a job name", "spec.warmStartFrom", new JsonArray("Old_Sweep"));
        SetTo("spec.budget.parallelism", "2000", 2000);
        SetTo("spec.retryPolicy.maxAttempts", "1000", 1000);
        SetTo("spec.trainer.epochs", "0", 0);
        Add("spec", "spec a string", j => j["spec"] = "oops");
        SetTo("spec.trainer.image", "empty", "");
        SetTo("spec.dataset.trainUri", "blank", " ");

        static JsonObject Float(double min, double max) => new() { ["type"] = "float", ["min"] = min, ["max"] = max, ["step"] = 0.1 };
        static JsonObject Cat(int n) => new() { ["type"] = "categorical", ["values"] = new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode)i)]) };
        Put("spec.searchSpace.parameters.1x", "a name starting with a digit", "spec.searchSpace.parameters", new JsonObject { ["1x"] = Float(0, 1) });
        Put("spec.searchSpace.parameters." + new string('p', 70), "a 70-character name", "spec.searchSpace.parameters", new JsonObject { [new string('p', 70)] = Float(0, 1) });
        Put("spec.searchSpace.lrFactor.max", "min > max", "spec.searchSpace.lrFactor", Float(1, 0.5));
        Put("spec.searchSpace.lrFactor.min", "log scale from 0", "spec.searchSpace.lrFactor", new JsonObject { ["type"] = "float", ["min"] = 0, ["max"] = 1, ["scale"] = "log" });
        Put("spec.searchSpace.lrFactor.step", "negative step", "spec.searchSpace.lrFactor", new JsonObject { ["type"] = "float", ["min"] = 0.1, ["max"] = 1, ["step"] = -1 });
        Put("spec.searchSpace.freezeDepth.values", "300 values", "spec.searchSpace.freezeDepth", Cat(300));
        Put("spec.searchSpace.loraRank.type", "a float rank", "spec.searchSpace.loraRank", Float(0, 8));
        Put("spec.searchSpace.lrFactor.values[1]", "a duplicate value", "spec.searchSpace.lrFactor", new JsonObject { ["type"] = "categorical", ["values"] = new JsonArray(0.1, 0.1) });
        Put("spec.searchSpace.lrFactor.values", "an object as a value", "spec.searchSpace.lrFactor", new JsonObject { ["type"] = "categorical", ["values"] = new JsonArray(new JsonObject { ["v"] = 0.1 }) });
        Add("spec.searchSpace.parameters", "33 parameters", j => Set(j, "spec.searchSpace.parameters", new JsonObject([.. Enumerable.Range(0, 33).Select(i => KeyValuePair.Create($"p{i}", (JsonNode?)Cat(2)))])));
        Add("spec.searchSpace", "a grid of 10^7 points", j => Set(j, "spec.searchSpace.parameters", new JsonObject { ["a"] = Cat(216), ["b"] = Cat(216), ["c"] = Cat(216) }));
        Add("condition.parameter", "a condition cycle", j => Set(j, "spec.searchSpace.parameters", new JsonObject
        {
            ["a"] = new JsonObject { ["type"] = "categorical", ["values"] = new JsonArray(1, 2), ["condition"] = new JsonObject { ["parameter"] = "b", ["equals"] = 1 } },
            ["b"] = new JsonObject { ["type"] = "categorical", ["values"] = new JsonArray(1, 2), ["condition"] = new JsonObject { ["parameter"] = "a", ["equals"] = 1 } },
        }));
        Add("spec.searchSpace.parameters.a.condition.parameter", "a condition on an unknown parameter", j => Set(j, "spec.searchSpace.parameters", new JsonObject
        {
            ["a"] = new JsonObject { ["type"] = "categorical", ["values"] = new JsonArray(1, 2), ["condition"] = new JsonObject { ["parameter"] = "nope", ["equals"] = 1 } },
        }));
        static JsonObject Env(string name, string? value = "v") => new() { ["name"] = name, ["value"] = value };
        Put("spec.trainer.env[0].name", "a reserved variable", "spec.trainer.env", new JsonArray(Env("CT_PARAMS")));
        Put("spec.trainer.env[1].name", "a duplicate variable", "spec.trainer.env", new JsonArray(Env("A"), Env("A")));
        Put("spec.trainer.env[0].name", "a name with =", "spec.trainer.env", new JsonArray(Env("A=B")));
        Put("spec.trainer.env[0]", "value and valueFrom", "spec.trainer.env", new JsonArray(new JsonObject { ["name"] = "A", ["value"] = "v", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "metadata.name" } } }));
        Put("spec.trainer.tolerations[0].operator", "operator Maybe", "spec.trainer.tolerations", new JsonArray(new JsonObject { ["key"] = "k", ["operator"] = "Maybe" }));
        Put("spec.trainer.tolerations[0].effect", "effect Sometimes", "spec.trainer.tolerations", new JsonArray(new JsonObject { ["key"] = "k", ["effect"] = "Sometimes" }));
        Put("spec.trainer.resources.requests", "cpu 'lots'", "spec.trainer.resources", new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "lots" } });
        Put("spec.trainer.resources.requests", "half a GPU", "spec.trainer.resources", new JsonObject { ["requests"] = new JsonObject { ["nvidia.com/gpu"] = "0.5" } });
        Put("spec.trainer.resources.requests", "negative memory", "spec.trainer.resources", new JsonObject { ["requests"] = new JsonObject { ["memory"] = "-1Gi" } });
        Put("spec.earlyStopping.minResource", "asha from epoch 0", "spec.earlyStopping", new JsonObject { ["type"] = "asha", ["minResource"] = 0 });
        Put("spec.earlyStopping.reductionFactor", "reduction factor 1", "spec.earlyStopping", new JsonObject { ["type"] = "asha", ["reductionFactor"] = 1 });
        Put("spec.earlyStopping.gracePeriod", "grace beyond the epochs", "spec.earlyStopping", new JsonObject { ["type"] = "median", ["gracePeriod"] = 99 });

        var result = new List<Case>();
        for (var i = 0; i < cases.Count; i++)
        {
            var job = (JsonObject)valid.DeepClone();
            var name = $"bad-{i:000}";
            job["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" };
            cases[i].Mutate(job);
            result.Add(new Case(name, cases[i].Field, $"{cases[i].Field} = {cases[i].What}", job));
        }
        foreach (var (bad, what) in new[] { ("a" + new string('b', 63), "a 64-character name"), ("dotted.name", "a dotted name"), ("Upper_Case", "upper case and underscore") })
        {
            var job = (JsonObject)valid.DeepClone();
            job["metadata"] = new JsonObject { ["name"] = bad, ["namespace"] = "default" };
            result.Add(new Case(bad, "metadata.name", $"metadata.name = {what}", job));
        }
        return result;
    }

    /// <summary>The valid job every case mutates, as JSON.</summary>
    public static JsonObject Valid() =>
        JsonNode.Parse(KubernetesJson.Serialize(SweepHarness.GridJob("valid", [0.1], [0])))!.AsObject();

    // Sets a dotted path, creating objects on the way ("a.b.c"; a key may itself contain no dots).
    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var node = root;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject next)
            {
                next = new JsonObject();
                node[part] = next;
            }
            node = next;
        }
        node[parts[^1]] = value?.DeepClone();
    }
}
