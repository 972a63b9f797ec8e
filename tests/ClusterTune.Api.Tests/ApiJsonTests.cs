using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class ApiJsonTests
{
    [Fact]
    public void Writes_camel_case_omits_nulls_and_writes_enums_as_their_api_names()
    {
        var json = JsonSerializer.Serialize(TestJobs.Minimal().With(s => s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, Mode = EarlyStoppingMode.Promote }), ApiJson.Options);
        Assert.Contains("\"apiVersion\":\"clustertune.io/v1alpha1\"", json);
        Assert.Contains("\"kind\":\"FineTuneJob\"", json);
        Assert.Contains("\"baseCheckpointUri\":", json);
        Assert.Contains("\"earlyStopping\":{\"type\":\"asha\",\"mode\":\"promote\"}", json);
        Assert.DoesNotContain("null", json);
        Assert.DoesNotContain("\"status\"", json);
    }

    [Fact]
    public void Phases_are_CamelCase_and_times_are_rfc3339_utc()
    {
        var status = new TrialStatus { Phase = TrialPhase.EarlyStopped, StartTime = new DateTimeOffset(2026, 11, 22, 7, 24, 6, TimeSpan.FromHours(1)) };
        var json = JsonSerializer.Serialize(status, ApiJson.Options);
        Assert.Equal("{\"phase\":\"EarlyStopped\",\"startTime\":\"2026-11-22T06:24:06Z\"}", json);
        var micro = JsonSerializer.Serialize(new TrialStatus { LastHeartbeat = DateTimeOffset.UnixEpoch.AddTicks(1_234_560) }, ApiJson.Options);
        Assert.Equal("{\"lastHeartbeat\":\"1970-01-01T00:00:00.123456Z\"}", micro);
    }

    [Fact]
    public void Reads_what_kubectl_and_the_api_server_send()
    {
        const string json = """
            {"apiVersion":"clustertune.io/v1alpha1","kind":"FineTuneJob",
             "metadata":{"name":"s","namespace":"default","resourceVersion":"81","generation":2,"managedFields":[{"manager":"kubectl"}]},
             "spec":{"model":{"baseCheckpointUri":"m"},"dataset":{"trainUri":"d"},
               "trainer":{"image":"i","resources":{"limits":{"nvidia.com/gpu":2,"memory":"4Gi","cpu":0.5}}},
               "searchSpace":{"loraRank":{"type":"categorical","values":[0,4,"8",true,0.5]},
                              "parameters":{"alpha":{"type":"int","min":1,"max":9,"condition":{"parameter":"loraRank","equals":4}}}},
               "unknownFutureField":{"x":1}},
             "status":{"phase":"Running","conditions":[{"type":"Running","status":"True","reason":"TrialsRunning","message":"","lastTransitionTime":"2026-11-22T06:24:06Z"}]}}
            """;
        var job = JsonSerializer.Deserialize<FineTuneJob>(json, ApiJson.Options)!;
        Assert.Equal("81", job.Metadata.ResourceVersion);
        Assert.Equal(2, job.Spec.Trainer.Resources!.GpuCount());
        Assert.Equal("500m", job.Spec.Trainer.Resources!.Limits!["cpu"]!.ToString());
        Assert.Equal([ParamValue.Of(0), ParamValue.Of(4), ParamValue.Of("8"), ParamValue.Of(true), ParamValue.Of(0.5)], job.Spec.SearchSpace!.LoraRank!.Values);
        Assert.Equal(ParamValue.Of(4), job.Spec.SearchSpace.Parameters!["alpha"].Condition!.EqualTo);
        Assert.Equal(FineTuneJobPhase.Running, job.Status!.Phase);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 6, 24, 6, TimeSpan.Zero), job.Status.Conditions![0].LastTransitionTime);
    }

    [Fact]
    public void Params_round_trip_as_bare_json_scalars_with_integers_kept_integral()
    {
        var spec = new TrialSpec { JobName = "j", Index = 3, Params = new() { ["freezeDepth"] = 2, ["lrFactor"] = 0.1, ["opt"] = "adamw", ["amp"] = false, ["big"] = 1e20 } };
        var json = JsonSerializer.Serialize(spec, ApiJson.Options);
        Assert.Contains("\"params\":{\"freezeDepth\":2,\"lrFactor\":0.1,\"opt\":\"adamw\",\"amp\":false,\"big\":1E+20}", json);
        var back = JsonSerializer.Deserialize<TrialSpec>(json, ApiJson.Options)!;
        Assert.Equal(spec.Params, back.Params);
        Assert.Equal(2L, back.Params["freezeDepth"].ToObject());
        Assert.Equal(0.1, back.Params["lrFactor"].ToObject());
        Assert.Equal("adamw", back.Params["opt"].ToObject());
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("{\"a\":1}")]
    public void Params_reject_non_scalars(string value)
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrialSpec>($"{{\"params\":{{\"x\":{value}}}}}", ApiJson.Options));
        Assert.Contains("number, string or boolean", ex.Message);
    }

    [Fact]
    public void Enum_values_outside_the_api_are_rejected()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AlgorithmSpec>("{\"name\":\"bayes\"}", ApiJson.Options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AlgorithmSpec>("{\"name\":\"Random\"}", ApiJson.Options));
    }

    [Fact]
    public void Types_serialize_the_same_without_the_shared_options_enums_and_params_included()
    {
        // Enum and scalar converters sit on the types, so a caller with other camelCase options agrees on them.
        var other = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        var spec = new ParameterSpec { Type = ParameterType.Categorical, Values = [1, "a"], Condition = new ParameterCondition { Parameter = "p", In = [true] } };
        Assert.Equal(JsonSerializer.Serialize(spec, ApiJson.Options), JsonSerializer.Serialize(spec, other));
    }

    [Fact]
    public void Conditions_serialize_in_metav1_shape()
    {
        var c = new V1Condition { Type = ConditionTypes.Validated, Status = ConditionStatus.False, Reason = ConditionReasons.SpecInvalid, Message = "m", ObservedGeneration = 4, LastTransitionTime = DateTime.UnixEpoch };
        var node = JsonSerializer.SerializeToNode(c, ApiJson.Options)!.AsObject();
        Assert.Equal(["lastTransitionTime", "message", "observedGeneration", "reason", "status", "type"], node.Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Equal("1970-01-01T00:00:00Z", node["lastTransitionTime"]!.GetValue<string>());
    }
}
