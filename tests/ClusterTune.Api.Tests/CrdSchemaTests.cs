using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class CrdSchemaTests
{
    public static TheoryData<string> Kinds() => [nameof(FineTuneJob), nameof(Trial)];

    private static Type TypeOf(string kind) => kind == nameof(FineTuneJob) ? typeof(FineTuneJob) : typeof(Trial);

    private static JsonObject OpenApi(string kind) =>
        (JsonObject)CrdGenerator.Generate(TypeOf(kind))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Emitted_yaml_reads_back_as_the_same_tree(string kind)
    {
        var crd = CrdGenerator.Generate(TypeOf(kind));
        var back = YamlToJson.Convert(YamlEmitter.Write(crd));
        Assert.True(JsonNode.DeepEquals(crd, back), $"YAML round trip changed the CRD:\n{back}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Schema_is_structural(string kind)
    {
        var problems = new List<string>();
        Walk(OpenApi(kind), "openAPIV3Schema", problems, isRoot: true);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // Kubernetes structural-schema rules: a type on every node (except int-or-string / preserve-unknown-fields),
    // never properties and additionalProperties together, required names declared, no type inside anyOf.
    private static void Walk(JsonObject s, string path, List<string> problems, bool isRoot = false)
    {
        var intOrString = s["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var preserve = s["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (s["type"] is null && !intOrString && !preserve)
        {
            problems.Add($"{path}: no type");
        }

        if (isRoot && s["type"]?.GetValue<string>() != "object")
        {
            problems.Add($"{path}: root must be type object");
        }

        if (s["properties"] is not null && s["additionalProperties"] is not null)
        {
            problems.Add($"{path}: properties and additionalProperties together");
        }

        if (s["anyOf"] is JsonArray any)
        {
            if (!intOrString)
            {
                problems.Add($"{path}: anyOf is only used for int-or-string");
            }

            foreach (var alt in any)
            {
                if (((JsonObject)alt!).Count != 1)
                {
                    problems.Add($"{path}.anyOf: alternatives may only restate a type");
                }
            }
        }
        if (s["required"] is JsonArray req)
        {
            foreach (var r in req)
            {
                if (s["properties"]?[r!.GetValue<string>()] is null)
                {
                    problems.Add($"{path}: required '{r}' is not a property");
                }
            }
        }

        if (s["properties"] is JsonObject props)
        {
            foreach (var (k, v) in props)
            {
                Walk((JsonObject)v!, $"{path}.{k}", problems);
            }
        }

        if (s["additionalProperties"] is JsonObject ap)
        {
            Walk(ap, $"{path}.additionalProperties", problems);
        }

        if (s["items"] is JsonObject items)
        {
            Walk(items, $"{path}.items", problems);
        }

        if (s["type"]?.GetValue<string>() == "array" && s["items"] is null)
        {
            problems.Add($"{path}: array without items");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Printer_columns_point_at_declared_fields(string kind)
    {
        var crd = CrdGenerator.Generate(TypeOf(kind));
        var schema = OpenApi(kind);
        var columns = (JsonArray)crd["spec"]!["versions"]![0]!["additionalPrinterColumns"]!;
        Assert.Contains(columns, c => c!["name"]!.GetValue<string>() == "Phase");
        Assert.Equal("Age", columns[^1]!["name"]!.GetValue<string>());
        foreach (var col in columns)
        {
            var jsonPath = col!["jsonPath"]!.GetValue<string>();
            if (jsonPath == ".metadata.creationTimestamp")
            {
                continue;
            }

            JsonNode? node = schema;
            foreach (var part in jsonPath.TrimStart('.').Split('.'))
            {
                node = node?["properties"]?[part];
            }

            Assert.True(node is not null, $"{kind} printer column {col["name"]} points at {jsonPath}, which the schema does not declare");
            var declared = node!["type"]!.GetValue<string>();
            Assert.Equal(col["type"]!.GetValue<string>(), declared);
        }
    }

    [Fact]
    public void FineTuneJob_crd_has_names_status_subresource_and_columns()
    {
        var crd = CrdGenerator.Generate(typeof(FineTuneJob));
        Assert.Equal("finetunejobs.clustertune.io", crd["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("Namespaced", crd["spec"]!["scope"]!.GetValue<string>());
        Assert.Equal("ftj", crd["spec"]!["names"]!["shortNames"]![0]!.GetValue<string>());
        var version = crd["spec"]!["versions"]![0]!;
        Assert.NotNull(version["subresources"]!["status"]);
        var names = ((JsonArray)version["additionalPrinterColumns"]!).Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["Phase", "Best", "Succeeded", "Total", "GPU-Hours-Left", "Best-Trial", "Age"], names);
    }

    [Fact]
    public void Schema_carries_enums_minimums_required_and_special_types()
    {
        var spec = OpenApi(nameof(FineTuneJob))["properties"]!["spec"]!;
        Assert.Equal(["dataset", "model", "trainer"], ((JsonArray)spec["required"]!).Select(r => r!.GetValue<string>()));
        var lrFactor = spec["properties"]!["searchSpace"]!["properties"]!["lrFactor"]!;
        Assert.Equal(["int", "float", "categorical"], ((JsonArray)lrFactor["properties"]!["type"]!["enum"]!).Select(v => v!.GetValue<string>()));
        Assert.Equal(["linear", "log"], ((JsonArray)lrFactor["properties"]!["scale"]!["enum"]!).Select(v => v!.GetValue<string>()));
        Assert.True(lrFactor["properties"]!["values"]!["items"]!["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>());
        Assert.True(lrFactor["properties"]!["condition"]!["properties"]!["equals"]!["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>());
        var budget = spec["properties"]!["budget"]!["properties"]!;
        Assert.Equal("1", budget["maxTrials"]!["minimum"]!.ToJsonString());
        Assert.True(budget["maxGpuHours"]!["exclusiveMinimum"]!.GetValue<bool>());
        var gpu = spec["properties"]!["trainer"]!["properties"]!["resources"]!["properties"]!["limits"]!["additionalProperties"]!;
        Assert.True(gpu["x-kubernetes-int-or-string"]!.GetValue<bool>());
        var conditions = OpenApi(nameof(FineTuneJob))["properties"]!["status"]!["properties"]!["conditions"]!;
        Assert.Equal("map", conditions["x-kubernetes-list-type"]!.GetValue<string>());
        Assert.Equal("16", conditions["maxItems"]!.ToJsonString());
    }

    [Fact]
    public void Status_lists_are_all_bounded()
    {
        // etcd caps objects at ~1.5 MiB: every list or map in a status must declare a bound.
        foreach (var kind in new[] { nameof(FineTuneJob), nameof(Trial) })
        {
            var unbounded = new List<string>();
            FindUnbounded((JsonObject)OpenApi(kind)["properties"]!["status"]!, $"{kind}.status", unbounded);
            Assert.True(unbounded.Count == 0, "unbounded: " + string.Join(", ", unbounded));
        }
    }

    private static void FindUnbounded(JsonObject s, string path, List<string> found)
    {
        if (s["type"]?.GetValue<string>() == "array" && s["maxItems"] is null)
        {
            found.Add(path);
        }

        if (s["additionalProperties"] is JsonObject ap)
        {
            if (s["maxProperties"] is null && !path.EndsWith(".params", StringComparison.Ordinal))
            {
                found.Add(path);
            }

            FindUnbounded(ap, path + "[*]", found);
        }
        if (s["properties"] is JsonObject props)
        {
            foreach (var (k, v) in props)
            {
                FindUnbounded((JsonObject)v!, $"{path}.{k}", found);
            }
        }

        if (s["items"] is JsonObject items)
        {
            FindUnbounded(items, path + "[*]", found);
        }
    }

    [Fact]
    public void A_fully_populated_job_and_trial_serialize_to_objects_the_schema_accepts_without_pruning()
    {
        var job = TestJobs.Full();
        job.Status = new FineTuneJobStatus
        {
            ObservedGeneration = 3,
            Phase = FineTuneJobPhase.Running,
            Conditions = [new V1Condition { Type = ConditionTypes.Running, Status = ConditionStatus.True, Reason = ConditionReasons.TrialsRunning, Message = "2 running", LastTransitionTime = DateTime.UnixEpoch, ObservedGeneration = 3 }],
            Trials = new TrialCounts { Running = 2, Succeeded = 3, Total = 5 },
            BestTrial = new BestTrial { Name = "sweep-2", Index = 2, Params = new() { ["lrFactor"] = 0.1, ["loraRank"] = 4, ["opt"] = "adamw", ["amp"] = true }, Objective = 0.91, CheckpointUri = "file:///c/2", PromotedUri = "file:///c/best", Sha256 = "ab" },
            RetainedCheckpoints = [new RetainedCheckpoint { Trial = "sweep-2", Objective = 0.91, Uri = "file:///c/2" }],
            GpuSecondsUsed = 3600,
            GpuHoursRemaining = 9,
            StartTime = DateTimeOffset.UnixEpoch,
            CompletionTime = DateTimeOffset.UnixEpoch.AddHours(1),
            Message = "running",
        };
        var trial = new Trial
        {
            Metadata = new V1ObjectMeta { Name = "sweep-2", NamespaceProperty = "default" },
            Spec = new TrialSpec { JobName = "sweep", Index = 2, Params = new() { ["lrFactor"] = 0.1 }, Epochs = 3, Rung = 1, Bracket = 0, ResumeFrom = "file:///c/2/last", Stop = false, RetryPolicy = new RetryPolicy { MaxAttempts = 3, RetryOnOom = false, HeartbeatTimeout = "10m", Backoff = "10s" } },
            Status = new TrialStatus
            {
                ObservedGeneration = 1,
                Phase = TrialPhase.Paused,
                Observations = [new Observation { Epoch = 1, Step = 100, Value = 0.8 }],
                Attempts = 1,
                PodName = "sweep-2-1",
                LastHeartbeat = DateTimeOffset.UnixEpoch,
                Epoch = 1,
                CheckpointUri = "file:///c/2",
                LastCheckpointUri = "file:///c/2/last",
                Objective = 0.8,
                Metrics = new() { ["accuracy"] = 0.8, ["loss"] = 0.5 },
                Reason = TrialReasons.PausedAtRung,
                Message = "paused",
                StartTime = DateTimeOffset.UnixEpoch,
                CompletionTime = DateTimeOffset.UnixEpoch,
                GpuSeconds = 12.5,
                TrainableParameters = 1000,
                TrainableFraction = 0.1,
            },
        };
        foreach (var (obj, kind) in new (object, string)[] { (job, nameof(FineTuneJob)), (trial, nameof(Trial)) })
        {
            var json = JsonSerializer.SerializeToNode(obj, ApiJson.Options)!;
            var errors = SchemaValidator.Validate(json, OpenApi(kind), kind);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            Assert.Equal(ApiGroup.ApiVersion, json["apiVersion"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Schema_validator_used_above_does_reject_bad_objects()
    {
        var json = JsonSerializer.SerializeToNode(TestJobs.Full(), ApiJson.Options)!;
        json["spec"]!["budget"]!["maxTrials"] = 0;
        json["spec"]!["algorithm"]!["name"] = "bayes";
        json["spec"]!["trainer"]!["imag"] = "typo";
        var errors = SchemaValidator.Validate(json, OpenApi(nameof(FineTuneJob)), "job");
        Assert.Contains(errors, e => e.StartsWith("job.spec.budget.maxTrials", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("job.spec.algorithm.name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("job.spec.trainer.imag", StringComparison.Ordinal));
    }
}
