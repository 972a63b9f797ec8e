using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// Server-side printing (meta.k8s.io/v1 Table) for kubectl get: a CRD's additionalPrinterColumns, or the built-in
/// columns of pods, namespaces, nodes and leases, with date columns rendered as ages like kube-apiserver does.
/// </summary>
internal static partial class TableRenderer
{
    private const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names";

    private static readonly PrinterColumn Age = new("Age", "date", ".metadata.creationTimestamp",
        "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, null);

    public static IReadOnlyList<PrinterColumn> Columns(ResourceType type)
    {
        if (type.IsCustom)
        {
            return type.PrinterColumns.Count > 0 ? type.PrinterColumns : [Age];
        }

        return (type.Group, type.Plural) switch
        {
            ("", "pods") =>
            [
                new("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0, null),
                new("Status", "string", "", "The aggregate status of the containers in this pod.", 0, null),
                new("Restarts", "string", "", "The number of times the containers in this pod have been restarted.", 0, null),
                Age,
                new("IP", "string", ".status.podIP", "IP address allocated to the pod.", 1, null),
                new("Node", "string", ".spec.nodeName", "Name of the node where the pod is scheduled.", 1, null),
            ],
            ("", "namespaces") => [new("Status", "string", ".status.phase", "The status of the namespace", 0, null), Age],
            ("", "nodes") =>
            [
                new("Status", "string", "", "The status of the node", 0, null),
                new("Roles", "string", "", "The roles of the node", 0, null),
                Age,
                new("Version", "string", ".status.nodeInfo.kubeletVersion", "Kubelet Version reported by the node.", 0, null),
            ],
            ("", "events") =>
            [
                new("Last Seen", "string", "", "Time since the event was last seen.", 0, null),
                new("Type", "string", ".type", "Type of this event (Normal, Warning).", 0, null),
                new("Reason", "string", ".reason", "Why the event was produced.", 0, null),
                new("Object", "string", "", "The object this event is about.", 0, null),
                new("Message", "string", ".message", "A human-readable description of the event.", 0, null),
            ],
            ("coordination.k8s.io", "leases") => [new("Holder", "string", ".spec.holderIdentity", "The holder of the lease.", 0, null), Age],
            ("apiextensions.k8s.io", _) => [new("Created At", "string", ".metadata.creationTimestamp", "The time the CRD was created (printed as a timestamp, like kube-apiserver).", 0, null)],
            _ => [Age],
        };
    }

    public static void Write(Utf8JsonWriter w, ResourceType type, IEnumerable<JsonObject> items, string? resourceVersion, string? continueToken,
        long? remaining, string includeObject, DateTimeOffset now)
    {
        var columns = Columns(type);
        w.WriteStartObject();
        w.WriteString("kind", "Table");
        w.WriteString("apiVersion", "meta.k8s.io/v1");
        w.WriteStartObject("metadata");
        if (resourceVersion is not null)
        {
            w.WriteString("resourceVersion", resourceVersion);
        }

        if (!string.IsNullOrEmpty(continueToken))
        {
            w.WriteString("continue", continueToken);
        }

        if (remaining is { } r)
        {
            w.WriteNumber("remainingItemCount", r);
        }

        w.WriteEndObject();
        w.WriteStartArray("columnDefinitions");
        WriteColumn(w, "Name", "string", "name", NameDescription, 0);
        foreach (var c in columns)
        {
            WriteColumn(w, c.Name, c.Type, c.Format ?? "", c.Description, c.Priority);
        }

        w.WriteEndArray();
        w.WriteStartArray("rows");
        foreach (var item in items)
        {
            w.WriteStartObject();
            w.WriteStartArray("cells");
            w.WriteStringValue(JsonUtil.Str(item["metadata"], "name"));
            foreach (var c in columns)
            {
                WriteCell(w, type, c, item, now);
            }

            w.WriteEndArray();
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    w.WritePropertyName("object");
                    ObjectWriter.WriteObject(w, item, type);
                    break;
                default:
                    w.WriteStartObject("object");
                    w.WriteString("kind", "PartialObjectMetadata");
                    w.WriteString("apiVersion", "meta.k8s.io/v1");
                    w.WritePropertyName("metadata");
                    (item["metadata"] ?? new JsonObject()).WriteTo(w);
                    w.WriteEndObject();
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteColumn(Utf8JsonWriter w, string name, string type, string format, string description, int priority)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("type", type);
        w.WriteString("format", format);
        w.WriteString("description", description);
        w.WriteNumber("priority", priority);
        w.WriteEndObject();
    }

    private static void WriteCell(Utf8JsonWriter w, ResourceType type, PrinterColumn c, JsonObject item, DateTimeOffset now)
    {
        if (type.Group == "" && c.JsonPath == "")
        {
            w.WriteStringValue(BuiltInCell(type.Plural, c.Name, item, now));
            return;
        }

        var value = Evaluate(item, c.JsonPath);
        if (value is null)
        {
            w.WriteNullValue();
            return;
        }

        if (c.Type == "date" && value is JsonValue dv && dv.TryGetValue<string>(out var ts) &&
            DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            w.WriteStringValue(HumanDuration(now - t));
            return;
        }

        if (value is JsonValue sv && sv.TryGetValue<string>(out var s))
        {
            w.WriteStringValue(s);
            return;
        }

        if (value is JsonValue)
        {
            value.WriteTo(w);
            return;
        }

        w.WriteStringValue(value.ToJsonString());
    }

    private static string BuiltInCell(string plural, string column, JsonObject item, DateTimeOffset now)
    {
        var statuses = (item["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        switch (plural, column)
        {
            case ("pods", "Ready"):
                var total = (item["spec"]?["containers"] as JsonArray)?.Count ?? 0;
                var ready = statuses.Count(s => JsonUtil.Bool(s["ready"]) == true);
                return $"{ready}/{total}";
            case ("pods", "Status"):
                if (JsonUtil.Str(item["metadata"], "deletionTimestamp") is not null)
                {
                    return "Terminating";
                }

                foreach (var s in statuses)
                {
                    var reason = JsonUtil.Str(s["state"]?["waiting"], "reason") ?? JsonUtil.Str(s["state"]?["terminated"], "reason");
                    if (reason is not null && JsonUtil.Str(item["status"], "phase") is not ("Succeeded"))
                    {
                        return reason;
                    }
                }

                return JsonUtil.Str(item["status"], "reason") ?? JsonUtil.Str(item["status"], "phase") ?? "Unknown";
            case ("pods", "Restarts"):
                return statuses.Sum(s => JsonUtil.Long(s, "restartCount") ?? 0).ToString(CultureInfo.InvariantCulture);
            case ("nodes", "Status"):
                var readyCondition = (item["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                    .FirstOrDefault(c => JsonUtil.Str(c, "type") == "Ready");
                return JsonUtil.Str(readyCondition, "status") == "True" ? "Ready" : readyCondition is null ? "Unknown" : "NotReady";
            case ("nodes", "Roles"):
                return "<none>";
            case ("events", "Last Seen"):
                var seen = JsonUtil.Str(item, "lastTimestamp") ?? JsonUtil.Str(item, "eventTime") ?? JsonUtil.Str(item["metadata"], "creationTimestamp");
                return seen is not null && DateTimeOffset.TryParse(seen, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? HumanDuration(now - t)
                    : "<unknown>";
            case ("events", "Object"):
                var involved = item["involvedObject"] ?? item["regarding"];
                return $"{JsonUtil.Str(involved, "kind")?.ToLowerInvariant()}/{JsonUtil.Str(involved, "name")}";
            default:
                return "";
        }
    }

    [GeneratedRegex("^\\[\\?\\(@\\.([A-Za-z0-9_.-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)\\]")]
    private static partial Regex FilterRegex();

    /// <summary>Evaluates the JSONPath subset used by printer columns: .a.b, [n], [?(@.k=="v")], optional {} wrapper.</summary>
    public static JsonNode? Evaluate(JsonNode? node, string path)
    {
        var p = path.Trim();
        if (p.StartsWith('{') && p.EndsWith('}'))
        {
            p = p[1..^1];
        }

        if (p.StartsWith('$'))
        {
            p = p[1..];
        }

        var i = 0;
        while (i < p.Length && node is not null)
        {
            if (p[i] == '.')
            {
                i++;
                var start = i;
                while (i < p.Length && p[i] != '.' && p[i] != '[')
                {
                    i++;
                }

                var name = p[start..i];
                if (name.Length == 0)
                {
                    continue;
                }

                node = node is JsonObject o ? o[name] : null;
            }
            else if (p[i] == '[')
            {
                var rest = p[i..];
                var filter = FilterRegex().Match(rest);
                if (filter.Success)
                {
                    var key = filter.Groups[1].Value;
                    var want = filter.Groups[2].Value;
                    node = (node as JsonArray)?.FirstOrDefault(e => JsonUtil.ScalarText(JsonUtil.Path(e, key)) == want);
                    i += filter.Length;
                    continue;
                }

                var close = p.IndexOf(']', i);
                if (close < 0)
                {
                    return null;
                }

                var index = p[(i + 1)..close].Trim('\'', '"');
                node = node switch
                {
                    JsonArray a when int.TryParse(index, out var n) => n >= 0 && n < a.Count ? a[n] : n < 0 && -n <= a.Count ? a[a.Count + n] : null,
                    JsonObject o => o[index],
                    _ => null,
                };
                i = close + 1;
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>k8s.io/apimachinery duration.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1))
        {
            return "<invalid>";
        }

        if (d < TimeSpan.Zero)
        {
            return "0s";
        }

        var seconds = (long)d.TotalSeconds;
        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = (hours / 24) % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
