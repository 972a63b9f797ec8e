namespace ClusterTune.Kubernetes.Tests.Support;

/// <summary>Simulates a network partition of one client: while set, every request fails before it is sent.</summary>
internal sealed class PartitionHandler : DelegatingHandler
{
    private volatile bool _partitioned;

    public bool Partitioned
    {
        get => _partitioned;
        set => _partitioned = value;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _partitioned
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "simulated partition")
            : base.SendAsync(request, cancellationToken);
}
