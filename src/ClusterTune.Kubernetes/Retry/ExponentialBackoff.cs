namespace ClusterTune.Kubernetes.Retry;

/// <summary>A stateful capped, jittered exponential backoff for loops (watch reconnects).</summary>
public sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;
    private int _failures;

    public ExponentialBackoff(TimeSpan initial, TimeSpan max, Random random)
    {
        if (initial <= TimeSpan.Zero || max < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), "Backoff needs 0 < initial <= max.");
        }

        _initial = initial;
        _max = max;
        _random = random;
    }

    /// <summary>The next delay, in [d/2, d) with d doubling from the initial delay up to the cap.</summary>
    public TimeSpan Next()
    {
        double jitter;
        lock (_random)
        {
            jitter = _random.NextDouble();
        }

        var d = RetryPolicy.Backoff(new RetryOptions { BaseDelay = _initial, MaxDelay = _max }, _failures, jitter);
        if (_failures < 30)
        {
            _failures++;
        }

        return d;
    }

    /// <summary>Starts over from the initial delay after a success.</summary>
    public void Reset() => _failures = 0;
}
