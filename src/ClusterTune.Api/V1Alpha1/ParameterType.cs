using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The kind of a search-space parameter.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ParameterType>))]
public enum ParameterType
{
    [JsonStringEnumMemberName("int")]
    Int,
    [JsonStringEnumMemberName("float")]
    Float,
    [JsonStringEnumMemberName("categorical")]
    Categorical,
}
