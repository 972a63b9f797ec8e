using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Storage;
using Microsoft.AspNetCore.Http;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// A watch request's options as kube-apiserver reads them: selectors (a named watch adds metadata.name), the starting
/// resourceVersion, sendInitialEvents, bookmarks, table output and the server-side timeout; and which stored events
/// the client sees through its selectors.
/// </summary>
internal sealed record WatchQuery(
    Selector Labels,
    Selector Fields,
    bool? SendInitialEvents,
    long? From,
    bool Bookmarks,
    bool AsTable,
    string IncludeObject,
    TimeSpan Timeout)
{
    /// <summary>Parses and validates the query of <paramref name="ctx"/>; 400 on a malformed value.</summary>
    public static WatchQuery Parse(HttpContext ctx, string? name, Random random)
    {
        var query = ctx.Request.Query;
        var labels = Selector.ParseLabels(query["labelSelector"]);
        var fieldText = query["fieldSelector"].ToString();
        if (name is not null)
        {
            fieldText = fieldText.Length == 0 ? $"metadata.name={name}" : $"{fieldText},metadata.name={name}";
        }

        var fields = Selector.ParseFields(fieldText);
        var sendInitialEvents = ListOptionsValidation.Validate(query, watch: true);
        var rvParam = query["resourceVersion"].ToString();
        long? from = null;
        if (rvParam.Length > 0 && rvParam != "0")
        {
            if (!long.TryParse(rvParam, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw Errors.BadRequest($"invalid resource version \"{rvParam}\"");
            }

            from = parsed;
        }

        // kube-apiserver's default (also for 0): a random timeout between 30 and 60 minutes, so watches do not all end together.
        long seconds = 0;
        if (query["timeoutSeconds"].ToString() is { Length: > 0 } ts && (!long.TryParse(ts, out seconds) || seconds < 0))
        {
            throw Errors.BadRequest($"invalid timeoutSeconds \"{ts}\": must be a non-negative integer");
        }

        var timeout = TimeSpan.FromSeconds(seconds > 0 ? seconds : 1800 + random.Next(1800));
        return new WatchQuery(labels, fields, sendInitialEvents, from,
            RequestQuery.IsTrue(query["allowWatchBookmarks"]), RequestQuery.WantsTable(ctx), RequestQuery.IncludeObject(ctx), timeout);
    }

    /// <summary>The object is in <paramref name="ns"/> (any when empty) and matches both selectors.</summary>
    public bool Matches(JsonObject? obj, string? ns) =>
        obj is not null &&
        (string.IsNullOrEmpty(ns) || JsonUtil.Str(obj["metadata"], "namespace") == ns) &&
        Labels.Matches(obj) && Fields.Matches(obj);

    /// <summary>
    /// The event this client sees for a stored event: a change that moves an object into the selection is ADDED, out of
    /// it DELETED, within it MODIFIED; (null, null) when the client sees nothing.
    /// </summary>
    public (string? Type, JsonObject? Object) Classify(StoredEvent e, string? ns)
    {
        switch (e.Type)
        {
            case StoredEvent.Added:
                return Matches(e.Object, ns) ? (e.Type, e.Object) : (null, null);
            case StoredEvent.Deleted:
                return Matches(e.Previous, ns) ? (e.Type, e.Object) : (null, null);
            default:
                var now = Matches(e.Object, ns);
                var before = Matches(e.Previous, ns);
                return (now, before) switch
                {
                    (true, true) => (StoredEvent.Modified, e.Object),
                    (true, false) => (StoredEvent.Added, e.Object),
                    (false, true) => (StoredEvent.Deleted, e.Object),
                    _ => (null, null),
                };
        }
    }
}
