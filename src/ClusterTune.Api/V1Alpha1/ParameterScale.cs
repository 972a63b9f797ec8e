using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>How a numeric range is sampled: uniformly (linear) or uniformly in log space (log).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParameterScale>))]
public enum ParameterScale
{
    [JsonStringEnumMemberName("linear")]
    Linear,
    [JsonStringEnumMemberName("log")]
    Log,
}
