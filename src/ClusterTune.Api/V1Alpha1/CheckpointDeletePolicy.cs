using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>What happens to checkpoints when the FineTuneJob is deleted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckpointDeletePolicy>))]
public enum CheckpointDeletePolicy
{
    [JsonStringEnumMemberName("retain")]
    Retain,
    [JsonStringEnumMemberName("delete")]
    Delete,
    [JsonStringEnumMemberName("keepPromoted")]
    KeepPromoted,
}
