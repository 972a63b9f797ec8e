namespace ClusterTune.Kubernetes.Config;

/// <summary>Supplies the bearer token for each request.</summary>
public interface ITokenSource
{
    /// <summary>The current token; <paramref name="forceRefresh"/> after a 401 bypasses any cache.</summary>
    ValueTask<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken);
}
