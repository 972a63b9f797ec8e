using ClusterTune.ControlPlane.Faults;
using ClusterTune.ControlPlane.Storage;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// Reads a subscription's events in order, or, while the reorder fault is on, swaps two events about different
/// objects that arrive within the fault's window (bookmarks are never moved).
/// </summary>
internal sealed class WatchEventReader(WatchSubscription sub, FaultInjector faults)
{
    private StoredEvent? _lookahead;

    public async Task<StoredEvent> NextAsync(CancellationToken ct)
    {
        if (_lookahead is { } held)
        {
            _lookahead = null;
            return held;
        }

        var e = await sub.Channel.Reader.ReadAsync(ct);
        if (!faults.ReordersWatchEvents || e.Type == StoredEvent.Bookmark)
        {
            return e;
        }

        // Give a second event a moment to arrive, then swap the pair if they are about different objects.
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(faults.ReorderWindow);
        try
        {
            await sub.Channel.Reader.WaitToReadAsync(window.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // No second event within the window: deliver the first as is.
        }

        if (!sub.Channel.Reader.TryRead(out var next))
        {
            return e;
        }

        if (next.Type != StoredEvent.Bookmark && next.Key != e.Key)
        {
            _lookahead = e;
            return next;
        }

        _lookahead = next;
        return e;
    }
}
