using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The lifecycle phase of a Trial.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrialPhase>))]
public enum TrialPhase
{
    [JsonStringEnumMemberName("Pending")]
    Pending,
    [JsonStringEnumMemberName("Running")]
    Running,
    [JsonStringEnumMemberName("Paused")]
    Paused,
    [JsonStringEnumMemberName("Succeeded")]
    Succeeded,
    [JsonStringEnumMemberName("Failed")]
    Failed,
    [JsonStringEnumMemberName("EarlyStopped")]
    EarlyStopped,
}
