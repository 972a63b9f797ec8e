using System.Globalization;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Http;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Controllers;

/// <summary>
/// kube-apiserver keeps Events for --event-ttl (1 h) after their last write and then drops them; without that the
/// embedded server held 11 304 events after an afternoon of tests. A sweep every quarter TTL (at most a minute)
/// deletes the events whose last occurrence is older than the TTL.
/// </summary>
internal sealed class EventExpiry : IAsyncDisposable
{
    private readonly Operations _ops;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EventExpiry(Operations ops, TimeSpan ttl, TimeProvider time)
    {
        _ops = ops;
        _ttl = ttl;
        _time = time;
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        var period = TimeSpan.FromTicks(Math.Clamp(_ttl.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromMinutes(1).Ticks));
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Deletes expired events; returns how many.</summary>
    internal int Sweep()
    {
        var type = _ops.Registry.Find("", "v1", "events");
        if (type is null)
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var deleted = 0;
        foreach (var (_, ev) in _ops.Store.Items(type.StorageKey, null))
        {
            if (LastOccurrence(ev) is not { } last || now - last <= _ttl)
            {
                continue;
            }

            try
            {
                _ops.Delete(type, JsonUtil.Str(ev["metadata"], "namespace"), JsonUtil.Str(ev["metadata"], "name")!, new DeleteOptions(0, null, null, null));
                deleted++;
            }
            catch (ApiException)
            {
                // Deleted or rewritten meanwhile.
            }
        }
        return deleted;
    }

    /// <summary>The latest of lastTimestamp, eventTime, series.lastObservedTime and creationTimestamp.</summary>
    internal static DateTimeOffset? LastOccurrence(JsonObject ev)
    {
        DateTimeOffset? latest = null;
        foreach (var text in new[] { JsonUtil.Str(ev, "lastTimestamp"), JsonUtil.Str(ev, "eventTime"), JsonUtil.Str(ev["series"], "lastObservedTime"),
                     JsonUtil.Str(ev["metadata"], "creationTimestamp") })
        {
            if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) && (latest is null || t > latest))
            {
                latest = t;
            }
        }
        return latest;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
