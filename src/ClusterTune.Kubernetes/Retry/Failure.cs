namespace ClusterTune.Kubernetes.Retry;

/// <summary>What went wrong with one attempt, as far as retrying is concerned.</summary>
public enum Failure
{
    /// <summary>An HTTP response arrived; see the status code.</summary>
    HttpStatus,
    /// <summary>The connection could not be made, so the server never saw the request.</summary>
    NotSent,
    /// <summary>The connection broke or timed out after the request may have reached the server.</summary>
    MaybeProcessed,
}
