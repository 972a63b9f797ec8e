namespace ClusterTune.Kubernetes.Informers;

/// <summary>What an informer watches and how it paces itself.</summary>
public sealed record InformerOptions
{
    /// <summary>Namespace to watch; null watches all namespaces.</summary>
    public string? Namespace { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    /// <summary>List page size (0 = unpaged).</summary>
    public int PageSize { get; init; } = 500;
    /// <summary>Each watch asks the server to close after a random time in [min, 2·min] (client-go: 5 min).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Reconnect backoff after failures (client-go: 800 ms up to 30 s).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    /// <summary>Drop metadata.managedFields from cached objects (default true; nothing in a controller reads them).</summary>
    public bool StripManagedFields { get; init; } = true;
    /// <summary>Source of watch-timeout and backoff jitter.</summary>
    public Random Random { get; init; } = Random.Shared;
}
