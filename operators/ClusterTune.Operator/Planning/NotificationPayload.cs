using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>The JSON body POSTed to a spec.notify URL (docs/api.md lists its fields). Pure.</summary>
public static class NotificationPayload
{
    /// <summary>The header carrying "sha256=&lt;hex&gt;" (absent when the target has no secretRef).</summary>
    public const string SignatureHeader = "X-ClusterTune-Signature";

    /// <summary>The header carrying the Unix time (seconds) that the signature covers.</summary>
    public const string TimestampHeader = "X-ClusterTune-Timestamp";

    /// <summary>The header carrying the delivery id (also in the body).</summary>
    public const string DeliveryHeader = "X-ClusterTune-Delivery";

    /// <summary>The header carrying the event name.</summary>
    public const string EventHeader = "X-ClusterTune-Event";

    /// <summary>The body of <paramref name="record"/>'s event for <paramref name="job"/> in state <paramref name="status"/>, sent at <paramref name="now"/>.</summary>
    public static byte[] Body(FineTuneJob job, EffectiveSpec spec, FineTuneJobStatus status, NotificationStatus record, DateTimeOffset now)
    {
        var condition = record.Event switch
        {
            NotifyEvent.Succeeded => Conditions.Find(status.Conditions, ConditionTypes.Complete),
            NotifyEvent.Failed => Conditions.Find(status.Conditions, ConditionTypes.Failed),
            _ => Conditions.Find(status.Conditions, ConditionTypes.BudgetExhausted),
        };
        var best = status.BestTrial;
        var body = new JsonObject
        {
            ["deliveryId"] = record.DeliveryId,
            ["event"] = record.Event.ToString(),
            ["timestamp"] = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["job"] = new JsonObject
            {
                ["namespace"] = job.Metadata.NamespaceProperty,
                ["name"] = job.Metadata.Name,
                ["uid"] = job.Metadata.Uid,
            },
            ["phase"] = status.Phase?.ToString(),
            ["reason"] = condition?.Reason,
            ["message"] = condition?.Message,
            ["trials"] = status.Trials is { } c ? JsonSerializer.SerializeToNode(c, ApiJson.Options) : null,
            ["objective"] = new JsonObject { ["metric"] = spec.Metric, ["direction"] = spec.Direction == ObjectiveDirection.Minimize ? "minimize" : "maximize" },
            ["bestTrial"] = best is null ? null : new JsonObject
            {
                ["name"] = best.Name,
                ["objective"] = best.Objective is { } o && double.IsFinite(o) ? o : null,
                ["params"] = JsonSerializer.SerializeToNode(best.Params, ApiJson.Options),
                ["checkpointUri"] = best.PromotedUri ?? best.CheckpointUri,
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }
}
