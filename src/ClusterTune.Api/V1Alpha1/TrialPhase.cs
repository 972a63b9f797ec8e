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

/// <summary>Questions about a <see cref="TrialPhase"/>.</summary>
public static class TrialPhases
{
    /// <summary>Whether a trial in this phase has ended for good (Succeeded, Failed or EarlyStopped); null (no status yet) has not.</summary>
    public static bool IsEnded(TrialPhase? phase) => phase is TrialPhase.Succeeded or TrialPhase.Failed or TrialPhase.EarlyStopped;
}
