using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The search algorithm that proposes parameter assignments.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlgorithmName>))]
public enum AlgorithmName
{
    [JsonStringEnumMemberName("grid")]
    Grid,
    [JsonStringEnumMemberName("random")]
    Random,
    [JsonStringEnumMemberName("sobol")]
    Sobol,
    [JsonStringEnumMemberName("tpe")]
    Tpe,
    [JsonStringEnumMemberName("pbt")]
    Pbt,
}
