namespace ClusterTune.Kubernetes.Config;

/// <summary>A fixed token (kubeconfig `token:`).</summary>
public sealed class StaticTokenSource(string token) : ITokenSource
{
    public string Token { get; } = token;

    public ValueTask<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken) => new(Token);
}
