using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Whether the objective metric is better when smaller or larger.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ObjectiveDirection>))]
public enum ObjectiveDirection
{
    [JsonStringEnumMemberName("minimize")]
    Minimize,
    [JsonStringEnumMemberName("maximize")]
    Maximize,
}
