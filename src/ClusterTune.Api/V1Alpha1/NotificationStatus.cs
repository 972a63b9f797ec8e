using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The delivery of one event to one spec.notify target: recorded so a restarted operator neither resends nor loses it.</summary>
public sealed class NotificationStatus
{
    [Minimum(0)]
    [Description("The index of the target in spec.notify.")]
    public int Target { get; set; }

    [Description("The URL the event goes to (a changed URL is a new target).")]
    public string? Url { get; set; }

    [Description("The state notified about.")]
    public NotifyEvent Event { get; set; }

    [Description("The event's id, sent as X-ClusterTune-Delivery and in the body; the same for every attempt, so a receiver can drop repeats.")]
    public string DeliveryId { get; set; } = "";

    [Minimum(0)]
    [Description("POSTs made so far.")]
    public int Attempts { get; set; }

    [Description("When the receiver answered 2xx; set means delivered (no more attempts).")]
    public DateTimeOffset? LastDelivered { get; set; }

    [Description("When the last attempt was made.")]
    public DateTimeOffset? LastAttempt { get; set; }

    [Description("The earliest time of the next attempt (absent when delivered or abandoned).")]
    public DateTimeOffset? NextAttempt { get; set; }

    [Description("Why the last attempt failed.")]
    public string? LastError { get; set; }

    [Description("True when the operator stopped trying (attempts used up, or the receiver refused the event with a 4xx).")]
    public bool? Abandoned { get; set; }
}
