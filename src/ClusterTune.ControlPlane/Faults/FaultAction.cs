namespace ClusterTune.ControlPlane.Faults;

/// <summary>What happens to a request a fault rule fires on: an HTTP error with a Status body, or a reset connection.</summary>
public sealed record FaultAction(int StatusCode, string Reason, TimeSpan? RetryAfter, bool ResetConnection)
{
    /// <summary>500 InternalError.</summary>
    public static FaultAction InternalError() => new(500, "InternalError", null, false);

    /// <summary>503 ServiceUnavailable with a Retry-After header.</summary>
    public static FaultAction ServiceUnavailable(TimeSpan retryAfter) => new(503, "ServiceUnavailable", retryAfter, false);

    /// <summary>429 TooManyRequests with a Retry-After header.</summary>
    public static FaultAction TooManyRequests(TimeSpan retryAfter) => new(429, "TooManyRequests", retryAfter, false);

    /// <summary>504 Timeout, as a server-side request timeout.</summary>
    public static FaultAction Timeout() => new(504, "Timeout", null, false);

    /// <summary>The TCP connection is aborted without a response.</summary>
    public static FaultAction ConnectionReset() => new(0, "", null, true);
}
