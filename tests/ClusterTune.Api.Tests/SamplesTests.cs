using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Testing;
using k8s.Models;

namespace ClusterTune.Api.Tests;

/// <summary>Every sample in operators/samples is accepted by the CRD schema (nothing pruned) and by validation.</summary>
public sealed class SamplesTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Combine("operators", "samples"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    private static JsonNode Load(string file) => YamlToJson.Convert(File.ReadAllText(RepoPaths.Combine("operators", "samples", file)))!;

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_passes_the_crd_schema_and_validation(string file)
    {
        var json = Load(file);
        Assert.Equal(FineTuneJob.KindName, json["kind"]!.GetValue<string>());
        var schema = (JsonObject)CrdGenerator.Generate(typeof(FineTuneJob))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        var schemaErrors = SchemaValidator.Validate(json, schema, file);
        Assert.True(schemaErrors.Count == 0, string.Join("\n", schemaErrors));

        var job = json.Deserialize<FineTuneJob>(ApiJson.Options)!;
        var errors = FineTuneJobValidator.Validate(job);
        Assert.True(errors.Count == 0, $"{file}:\n{FieldError.Join(errors)}");

        // Reading and writing loses nothing the user wrote.
        var back = JsonSerializer.SerializeToNode(job, ApiJson.Options)!;
        Assert.True(JsonNode.DeepEquals(Normalize(json), Normalize(back)), $"{file} changed in a round trip:\n{back}");
    }

    [Fact]
    public void Demo_sweeps_the_three_knobs_with_asha_within_a_small_budget()
    {
        var job = Load("finetunejob-demo.yaml").Deserialize<FineTuneJob>(ApiJson.Options)!;
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        Assert.Equal(EarlyStoppingType.Asha, spec.EarlyStopping!.Type);
        Assert.Equal(["freezeDepth", "lrFactor", "loraLrFactor", "loraRank"], spec.SearchSpace!.AllParameters().Select(p => p.Key));
        // A fair LoRA comparison: LoRA trials get their own, larger LR points (docs/experiments.md#c-lora-share).
        Assert.True(spec.SearchSpace.LoraLrFactor!.Values!.Min(v => v.Number) > spec.SearchSpace.LrFactor!.Values!.Min(v => v.Number));
        // freezeDepth 0..2 × (3 lrFactor points at loraRank 0 + 2 loraLrFactor points at loraRank 8)
        Assert.Equal(15, FineTuneJobDefaults.GridSize(spec.SearchSpace));
        // 9 epochs with rungs at 1 and 3: the README's demo, measured at about two minutes on 2 cores.
        Assert.Equal(9, spec.Trainer.Epochs);
        Assert.Equal(32, spec.Trainer.BatchSize);
        Assert.Equal(9, spec.EarlyStopping.MaxResource);
    }

    // Numbers compare by value (YAML 1.0 and C# 1 are the same number); resource quantities are written as
    // strings the way the API server returns them (nvidia.com/gpu: 1 comes back as "1").
    private static JsonNode? Normalize(JsonNode? n, string? key = null) => n switch
    {
        JsonValue v when key is "limits" or "requests" => JsonValue.Create(v.ToJsonString().Trim('"')),
        JsonObject o when key is "limits" or "requests" => new JsonObject(o.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, Normalize(kv.Value, key)))),
        JsonObject o => new JsonObject(o.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, Normalize(kv.Value, kv.Key)))),
        JsonArray a => new JsonArray(a.Select(x => Normalize(x)).ToArray()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => JsonValue.Create(double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)),
        _ => n?.DeepClone(),
    };
}
