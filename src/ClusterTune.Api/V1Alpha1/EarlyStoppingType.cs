using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The rule that stops weak trials before their full epoch budget.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EarlyStoppingType>))]
public enum EarlyStoppingType
{
    [JsonStringEnumMemberName("none")]
    None,
    [JsonStringEnumMemberName("median")]
    Median,
    [JsonStringEnumMemberName("asha")]
    Asha,
    [JsonStringEnumMemberName("hyperband")]
    Hyperband,
}
