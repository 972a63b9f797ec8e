using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A one-word summary of a FineTuneJob; conditions carry the detail.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FineTuneJobPhase>))]
public enum FineTuneJobPhase
{
    [JsonStringEnumMemberName("Pending")]
    Pending,
    [JsonStringEnumMemberName("Running")]
    Running,
    [JsonStringEnumMemberName("Suspended")]
    Suspended,
    [JsonStringEnumMemberName("Succeeded")]
    Succeeded,
    [JsonStringEnumMemberName("Failed")]
    Failed,
}
