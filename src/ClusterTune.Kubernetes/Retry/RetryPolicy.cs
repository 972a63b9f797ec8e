namespace ClusterTune.Kubernetes.Retry;

/// <summary>
/// The client's retry rule, as a pure function. Any request is retried when the server provably did not act on it
/// (429, 503 with Retry-After, connection refused). Otherwise (5xx, reset, timeout) only idempotent requests are
/// retried: reads, deletes, and writes that fail harmlessly when repeated (a create with a fixed name gives 409
/// AlreadyExists; a patch or PUT carrying a resourceVersion or a JSON-patch test gives 409/422).
/// </summary>
public static class RetryPolicy
{
    /// <summary>Decides about attempt number <paramref name="attempt"/> (0-based) that just failed.</summary>
    /// <param name="jitter">A uniform sample in [0, 1) from the caller's seeded Random.</param>
    public static RetryDecision Decide(RetryOptions options, int attempt, Failure failure, int statusCode,
        TimeSpan? retryAfter, bool idempotent, double jitter)
    {
        if (attempt + 1 >= options.MaxAttempts)
        {
            return RetryDecision.Stop($"gave up after {attempt + 1} attempts");
        }

        switch (failure)
        {
            case Failure.NotSent:
                return new(true, Backoff(options, attempt, jitter), "connection failed before the request was sent");
            case Failure.MaybeProcessed:
                return idempotent
                    ? new(true, Backoff(options, attempt, jitter), "connection lost; the request is idempotent")
                    : RetryDecision.Stop("connection lost after a non-idempotent write may have been applied");
        }
        if (statusCode == 429 || (statusCode == 503 && retryAfter is not null))
        {
            return new(true, AfterServerHint(options, attempt, retryAfter, jitter), $"server asked to retry ({statusCode})");
        }

        if (statusCode is 500 or 502 or 503 or 504)
        {
            return idempotent
                ? new(true, AfterServerHint(options, attempt, retryAfter, jitter), $"server error {statusCode}; the request is idempotent")
                : RetryDecision.Stop($"server error {statusCode} on a non-idempotent write");
        }

        return RetryDecision.Stop($"status {statusCode} is not retryable");
    }

    /// <summary>Capped exponential backoff with equal jitter: in [d/2, d) for d = min(cap, base·2^attempt), never zero.</summary>
    public static TimeSpan Backoff(RetryOptions options, int attempt, double jitter)
    {
        var exp = options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var d = Math.Min(options.MaxDelay.TotalMilliseconds, exp);
        return TimeSpan.FromMilliseconds(d / 2 + Math.Clamp(jitter, 0, 1) * d / 2);
    }

    private static TimeSpan AfterServerHint(RetryOptions options, int attempt, TimeSpan? retryAfter, double jitter)
    {
        if (retryAfter is not { } hint)
        {
            return Backoff(options, attempt, jitter);
        }
        // Retry-After: 0 must not become a hot loop; a huge value is clamped.
        var floor = options.BaseDelay;
        return hint < floor ? floor : hint > options.MaxRetryAfter ? options.MaxRetryAfter : hint;
    }
}
