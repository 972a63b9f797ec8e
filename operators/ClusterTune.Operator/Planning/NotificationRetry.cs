namespace ClusterTune.Operator.Planning;

/// <summary>How spec.notify deliveries are retried: attempt n waits <see cref="Base"/> × 2^(n−1), at most <see cref="Max"/>, and the event is abandoned after <see cref="MaxAttempts"/> POSTs.</summary>
/// <param name="Base">The wait after the first failed attempt.</param>
/// <param name="Max">The longest wait between attempts.</param>
/// <param name="MaxAttempts">POSTs made before the event is abandoned.</param>
/// <param name="Timeout">How long one POST may take (the job's reconcile waits for it).</param>
public sealed record NotificationRetry(TimeSpan Base, TimeSpan Max, int MaxAttempts, TimeSpan Timeout)
{
    /// <summary>5 s, 10 s, 20 s … capped at 5 min, 8 attempts (about 11 minutes of trying), 10 s per POST.</summary>
    public static NotificationRetry Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), 8, TimeSpan.FromSeconds(10));

    /// <summary>The wait after failed attempt number <paramref name="attempts"/> (1-based).</summary>
    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromTicks((long)Math.Min(Max.Ticks, Base.Ticks * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30))));
}
