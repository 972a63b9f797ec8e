using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Resources;

/// <summary>
/// events.k8s.io/v1 Events: one stored resource with core v1 events (kube-apiserver stores both as core Events), so
/// `kubectl get events` sees what an events.k8s.io client recorded and the other way round. The field mapping is the
/// one of pkg/apis/events/v1/conversion.go: note = message, regarding = involvedObject, deprecatedSource = source,
/// deprecatedCount = count, deprecatedFirstTimestamp/deprecatedLastTimestamp = firstTimestamp/lastTimestamp,
/// reportingController = reportingComponent; eventTime, series, related, action, reason, type, reportingInstance
/// keep their names.
/// </summary>
internal static class EventsV1
{
    // (events.k8s.io/v1 name, core v1 name) for the renamed fields.
    private static readonly (string V1, string Core)[] Renamed =
    [
        ("note", "message"),
        ("regarding", "involvedObject"),
        ("deprecatedSource", "source"),
        ("deprecatedCount", "count"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
        ("reportingController", "reportingComponent"),
    ];

    public static ResourceType Type() => new()
    {
        Group = "events.k8s.io",
        Version = "v1",
        Plural = "events",
        Singular = "event",
        Kind = "Event",
        Namespaced = true,
        ShortNames = ["ev"],
        StorageKey = "/events",
        ToStorage = ToCore,
        FromStorage = FromCore,
    };

    private static JsonObject FromCore(JsonObject core) => Rename(core, toV1: true, "events.k8s.io/v1");

    private static JsonObject ToCore(JsonObject v1)
    {
        Validate(v1);
        return Rename(v1, toV1: false, "v1");
    }

    private static JsonObject Rename(JsonObject source, bool toV1, string apiVersion)
    {
        var result = new JsonObject { ["kind"] = "Event", ["apiVersion"] = apiVersion };
        foreach (var (key, value) in source)
        {
            if (key is "kind" or "apiVersion")
            {
                continue;
            }

            var renamed = Renamed.FirstOrDefault(r => (toV1 ? r.Core : r.V1) == key);
            var name = renamed == default ? key : toV1 ? renamed.V1 : renamed.Core;
            if (!toV1 && Renamed.Any(r => r.Core == key))
            {
                // A core-only name sent to events.k8s.io is unknown there: dropped like any unknown field.
                continue;
            }

            result[name] = value?.DeepClone();
        }

        return result;
    }

    /// <summary>ValidateEventCreate's rules for objects written through events.k8s.io/v1.</summary>
    private static void Validate(JsonObject e)
    {
        var causes = new List<StatusCause>();
        foreach (var field in new[] { "eventTime", "reportingController", "reportingInstance", "action", "reason" })
        {
            if (string.IsNullOrEmpty(JsonUtil.ScalarText(e[field])))
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value", field));
            }
        }

        var type = JsonUtil.Str(e, "type");
        if (type is not ("Normal" or "Warning"))
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{type}\": has invalid value: {type}; must be Normal or Warning", "type"));
        }

        if (causes.Count > 0)
        {
            throw Errors.Invalid(Type(), JsonUtil.Str(e["metadata"], "name") ?? "", causes, useKind: true);
        }
    }
}
