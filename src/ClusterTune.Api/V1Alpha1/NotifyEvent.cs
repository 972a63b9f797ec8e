using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A sweep state a webhook in spec.notify can be told about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotifyEvent>))]
public enum NotifyEvent
{
    /// <summary>The sweep completed with a best trial (phase Succeeded).</summary>
    Succeeded,

    /// <summary>The sweep failed (phase Failed, including an invalid spec).</summary>
    Failed,

    /// <summary>A budget limit (maxTrials, maxDuration, maxGpuHours) ended the sweep (condition BudgetExhausted=True).</summary>
    BudgetExhausted,
}
