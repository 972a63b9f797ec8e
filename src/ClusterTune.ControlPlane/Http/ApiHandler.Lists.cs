using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Resources;
using Microsoft.AspNetCore.Http;
using static ClusterTune.ControlPlane.Http.RequestQuery;

namespace ClusterTune.ControlPlane.Http;

/// <summary>List: snapshots at a resourceVersion, pages with continue tokens, tables.</summary>
internal sealed partial class ApiHandler
{
    private async Task ListAsync(HttpContext ctx, ResourceType type, string? ns)
    {
        var query = ctx.Request.Query;
        var labels = Selector.ParseLabels(query["labelSelector"]);
        var fields = Selector.ParseFields(query["fieldSelector"]);
        var rvParam = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        ListOptionsValidation.Validate(query, watch: false);
        var continueParam = query["continue"].ToString();
        long limit = 0;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!long.TryParse(limitText, out limit) || limit < 0))
        {
            throw Errors.BadRequest($"invalid limit \"{limitText}\": must be a non-negative integer");
        }

        List<KeyValuePair<string, JsonObject>> items;
        long snapshotRv;
        string? after = null;
        if (continueParam.Length > 0)
        {
            if (rvParam.Length > 0 && rvParam != "0")
            {
                throw Errors.BadRequest("specifying resource version is not allowed when using continue");
            }

            var token = ContinueToken.Decode(continueParam);
            items = _store.ItemsAt(type.StorageKey, ns, token.Rv) ?? throw Errors.ContinueExpired();
            snapshotRv = token.Rv;
            after = string.IsNullOrEmpty(ns) ? token.Start : $"{ns}/{token.Start}";
        }
        else if (faults.StaleReadsAt is { } stale && (rvParam.Length == 0 || rvParam == "0") && _store.ItemsAt(type.StorageKey, ns, stale) is { } staleItems)
        {
            items = staleItems;
            snapshotRv = stale;
        }
        else if (rvParam.Length == 0 || rvParam == "0")
        {
            lock (_store.Gate)
            {
                items = _store.Items(type.StorageKey, ns);
                snapshotRv = _store.CurrentRv;
            }
        }
        else
        {
            if (!long.TryParse(rvParam, NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
            {
                throw Errors.BadRequest($"invalid resource version \"{rvParam}\"");
            }

            await WaitForRvAsync(requested, ctx.RequestAborted);
            var exact = match == "Exact" || (match.Length == 0 && limit > 0);
            if (exact)
            {
                items = _store.ItemsAt(type.StorageKey, ns, requested) ?? throw Errors.ListExpired();
                snapshotRv = requested;
            }
            else
            {
                lock (_store.Gate)
                {
                    items = _store.Items(type.StorageKey, ns);
                    snapshotRv = _store.CurrentRv;
                }
            }
        }

        var filtered = items.Where(kv => (after is null || string.CompareOrdinal(kv.Key, after) > 0) && labels.Matches(kv.Value) && fields.Matches(kv.Value)).ToList();
        string? continueToken = null;
        long? remaining = null;
        if (limit > 0 && filtered.Count > limit)
        {
            var page = filtered.Take((int)limit).ToList();
            var lastKey = page[^1].Key;
            var relative = string.IsNullOrEmpty(ns) ? lastKey : lastKey[(ns.Length + 1)..];
            continueToken = ContinueToken.Encode(snapshotRv, relative);
            if (labels.IsEmpty && fields.IsEmpty)
            {
                remaining = filtered.Count - limit;
            }

            filtered = page;
        }

        var rvText = snapshotRv.ToString(CultureInfo.InvariantCulture);
        var objects = filtered.Select(kv => kv.Value).ToList();
        if (WantsTable(ctx))
        {
            await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(w => TableRenderer.Write(w, type, objects, rvText, continueToken, remaining,
                IncludeObject(ctx), options.TimeProvider.GetUtcNow())));
            return;
        }

        await WriteJsonAsync(ctx, 200, ObjectWriter.ToBytes(w => WriteList(w, type, objects, rvText, continueToken, remaining)));
    }

    private async Task WaitForRvAsync(long requested, CancellationToken ct)
    {
        var deadline = options.TimeProvider.GetUtcNow() + options.TooLargeResourceVersionWait;
        while (_store.CurrentRv < requested)
        {
            if (options.TimeProvider.GetUtcNow() >= deadline)
            {
                throw Errors.TooLargeResourceVersion(requested, _store.CurrentRv);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), options.TimeProvider, ct);
        }
    }

    private static void WriteList(Utf8JsonWriter w, ResourceType type, IEnumerable<JsonObject> items, string rv, string? continueToken, long? remaining)
    {
        w.WriteStartObject();
        w.WriteString("kind", type.ListKind);
        w.WriteString("apiVersion", type.ApiVersion);
        w.WriteStartObject("metadata");
        w.WriteString("resourceVersion", rv);
        if (continueToken is not null || type.IsCustom)
        {
            w.WriteString("continue", continueToken ?? "");
        }

        if (remaining is { } r)
        {
            w.WriteNumber("remainingItemCount", r);
        }

        w.WriteEndObject();
        w.WriteStartArray("items");
        foreach (var item in items)
        {
            // Like kube-apiserver, items of built-in lists omit kind/apiVersion; custom resources keep them.
            ObjectWriter.WriteObject(w, item, type, includeTypeMeta: type.IsCustom);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
