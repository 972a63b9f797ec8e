using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Json;
using ClusterTune.ControlPlane.Resources;
using ClusterTune.ControlPlane.Storage;
using Microsoft.AspNetCore.Http;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Watch: subscription, initial events, bookmarks and the injected watch faults.</summary>
internal sealed partial class ApiHandler
{
    private async Task WatchAsync(HttpContext ctx, ResourceType type, string? ns, string? name, FaultRequest request)
    {
        var q = WatchQuery.Parse(ctx, name, options.Random);
        var from = q.From;
        if (q.SendInitialEvents == true)
        {
            // A state not older than the requested version, then a bookmark marking the end of the initial events.
            if (from is { } notOlderThan)
            {
                await WaitForRvAsync(notOlderThan, ctx.RequestAborted);
            }

            from = null;
        }
        else if (q.SendInitialEvents == false && from is null)
        {
            // "Start at most recent": no synthetic events.
            from = _store.CurrentRv;
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-cache, private";
        var body = ctx.Response.Body;
        if (faults.TakeExpireNextWatch(request))
        {
            await WriteEventAsync(body, "ERROR", Errors.WatchExpiredStatus(), null, ctx.RequestAborted);
            return;
        }

        var (sub, staleInitial) = Subscribe(type, ns, from, q);
        if (sub is null)
        {
            // The watch cache's wording when one serves watches, etcd's (as recorded with --watch-cache=false) otherwise.
            var expired = _store.HasWatchCache ? Errors.WatchTooOld(from!.Value, _store.WatchStartRv) : Errors.WatchExpiredStatus();
            await WriteEventAsync(body, "ERROR", expired, null, ctx.RequestAborted);
            return;
        }

        var entry = (sub, request, ctx);
        lock (_watchGate)
        {
            _watches.Add(entry);
        }

        using var timeoutCts = new CancellationTokenSource(q.Timeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, sub.Dropped.Token, timeoutCts.Token);
        var bookmarkTask = q.Bookmarks ? BookmarkLoopAsync(sub, q.Timeout, linked.Token) : Task.CompletedTask;
        try
        {
            await ctx.Response.StartAsync(linked.Token);
            await body.FlushAsync(linked.Token);
            foreach (var (_, obj) in staleInitial ?? [])
            {
                if (q.Matches(obj, ns))
                {
                    await WriteObjectEventAsync(body, "ADDED", obj, type, q, linked.Token);
                }
            }

            await StreamAsync(body, sub, type, ns, q, linked.Token);
        }
        catch (OperationCanceledException)
        {
            if (sub.Dropped.IsCancellationRequested)
            {
                ctx.Abort();
            }
        }
        catch (IOException)
        {
            // The client closed the stream.
        }
        finally
        {
            lock (_watchGate)
            {
                _watches.Remove(entry);
            }

            await linked.CancelAsync();
            try
            {
                await bookmarkTask;
            }
            catch (OperationCanceledException)
            {
                // Expected on shutdown of the watch.
            }

            sub.Dispose();
        }
    }

    /// <summary>
    /// Subscribes from <paramref name="from"/>; under the stale-reads fault a watch without a version starts from the
    /// stale snapshot instead (its items are the initial events). A null subscription: the version is too old.
    /// </summary>
    private (WatchSubscription? Sub, List<KeyValuePair<string, JsonObject>>? StaleInitial) Subscribe(ResourceType type, string? ns, long? from, WatchQuery q)
    {
        lock (_store.Gate)
        {
            if (from is null && q.SendInitialEvents is null && faults.StaleReadsAt is { } stale && _store.ItemsAt(type.StorageKey, ns, stale) is { } staleItems)
            {
                return (_store.Subscribe(type.StorageKey, ns, stale), staleItems);
            }

            // Like the watch cache, the end of the initial events is only marked for a client that accepts bookmarks.
            return (_store.Subscribe(type.StorageKey, ns, from, initialEventsEnd: q.SendInitialEvents == true && q.Bookmarks), null);
        }
    }

    /// <summary>Sends the subscription's events until the watch ends, with the delay and duplicate faults applied.</summary>
    private async Task StreamAsync(Stream body, WatchSubscription sub, ResourceType type, string? ns, WatchQuery q, CancellationToken ct)
    {
        var reader = new WatchEventReader(sub, faults);
        while (true)
        {
            var e = await reader.NextAsync(ct);
            if (e.Type == StoredEvent.Bookmark)
            {
                await WriteEventAsync(body, StoredEvent.Bookmark, BookmarkObject(type, e), null, ct);
                continue;
            }

            var (eventType, obj) = q.Classify(e, ns);
            if (eventType is null || obj is null)
            {
                continue;
            }

            if (faults.WatchDelay is { } delay && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, options.TimeProvider, ct);
            }

            for (var copy = faults.DuplicatesWatchEvents ? 2 : 1; copy > 0; copy--)
            {
                await WriteObjectEventAsync(body, eventType, obj, type, q, ct);
            }
        }
    }

    private static JsonObject BookmarkObject(ResourceType type, StoredEvent e)
    {
        var meta = new JsonObject { ["resourceVersion"] = e.Rv.ToString(CultureInfo.InvariantCulture) };
        if (e.InitialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = meta,
        };
    }

    /// <summary>One event with the object, or for kubectl get -w (which asks for tables) with a one-row Table.</summary>
    private Task WriteObjectEventAsync(Stream body, string eventType, JsonObject obj, ResourceType type, WatchQuery q, CancellationToken ct) =>
        q.AsTable
            ? WriteEventAsync(body, eventType, w => TableRenderer.Write(w, type, [obj], JsonUtil.Str(obj["metadata"], "resourceVersion"), null, null,
                q.IncludeObject, options.TimeProvider.GetUtcNow()), ct)
            : WriteEventAsync(body, eventType, obj, type, ct);

    private async Task BookmarkLoopAsync(WatchSubscription sub, TimeSpan timeout, CancellationToken ct)
    {
        // Periodic bookmarks, plus one shortly before the server-side timeout (kube-apiserver sends one then too).
        var start = options.TimeProvider.GetUtcNow();
        var finalAt = timeout - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1.5).Ticks, timeout.Ticks / 5));
        var sentFinal = false;
        while (!ct.IsCancellationRequested)
        {
            var untilFinal = finalAt - (options.TimeProvider.GetUtcNow() - start);
            var wait = options.BookmarkInterval;
            if (!sentFinal && untilFinal <= wait)
            {
                wait = untilFinal;
                sentFinal = true;
            }

            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, options.TimeProvider, ct);
            }

            _store.QueueBookmark(sub);
        }
    }

    private static Task WriteEventAsync(Stream body, string type, JsonObject obj, ResourceType? resourceType, CancellationToken ct) =>
        WriteEventAsync(body, type, w => ObjectWriter.WriteObject(w, obj, resourceType), ct);

    private static async Task WriteEventAsync(Stream body, string type, Action<Utf8JsonWriter> writeObject, CancellationToken ct)
    {
        var bytes = ObjectWriter.ToBytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName("object");
            writeObject(w);
            w.WriteEndObject();
        });
        await body.WriteAsync(bytes, ct);
        await body.WriteAsync("\n"u8.ToArray(), ct);
        await body.FlushAsync(ct);
    }
}
