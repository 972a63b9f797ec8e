namespace ClusterTune.Kubernetes.Config;

/// <summary>
/// A token read from a file and re-read at most every <c>refreshPeriod</c> (default 1 min, as client-go), because
/// projected service-account tokens are rotated by the kubelet about hourly.
/// </summary>
public sealed class FileTokenSource : ITokenSource
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _refreshPeriod;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public FileTokenSource(string path, TimeProvider? timeProvider = null, TimeSpan? refreshPeriod = null)
    {
        Path = path;
        _time = timeProvider ?? TimeProvider.System;
        _refreshPeriod = refreshPeriod ?? TimeSpan.FromMinutes(1);
    }

    public string Path { get; }

    /// <summary>How many times the file was read (observability and tests).</summary>
    public int Reads { get; private set; }

    public async ValueTask<string?> GetTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (forceRefresh || _token is null || now - _readAt >= _refreshPeriod)
            {
                var text = await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false);
                _token = text.Trim();
                _readAt = now;
                Reads++;
            }
            return _token;
        }
        catch (IOException e) when (_token is not null)
        {
            // A rotation in progress must not fail requests while the previous token may still be valid.
            _ = e;
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }
}
