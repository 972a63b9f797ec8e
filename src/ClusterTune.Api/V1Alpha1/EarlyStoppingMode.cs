using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>What a rung decision does: stop the losers for good, or pause every trial at the rung and promote the winners (resumed from their checkpoint).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EarlyStoppingMode>))]
public enum EarlyStoppingMode
{
    [JsonStringEnumMemberName("stop")]
    Stop,
    [JsonStringEnumMemberName("promote")]
    Promote,
}
