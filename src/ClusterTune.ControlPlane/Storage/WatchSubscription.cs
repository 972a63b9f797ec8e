using System.Threading.Channels;

namespace ClusterTune.ControlPlane.Storage;

/// <summary>A live watch registered with the store; events are queued under the store lock, so order is global.</summary>
internal sealed class WatchSubscription(string storageKey, string? ns) : IDisposable
{
    public string StorageKey { get; } = storageKey;

    public string? Namespace { get; } = ns;

    public Channel<StoredEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<StoredEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    /// <summary>Cancelled when a fault drops the watch.</summary>
    public CancellationTokenSource Dropped { get; } = new();

    public Action<WatchSubscription>? OnDispose { get; set; }

    public void Dispose()
    {
        OnDispose?.Invoke(this);
        Dropped.Dispose();
    }
}
