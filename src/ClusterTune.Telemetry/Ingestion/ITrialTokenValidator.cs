namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Decides whether points that claim to come from a trial are genuine (trial known, token and pod match).</summary>
/// <remarks>Called at most once per distinct (trial, pod) per request; keep it fast (an informer-cache lookup).</remarks>
public interface ITrialTokenValidator
{
    /// <summary>Checks the trial identity from the OTLP resource against the token from the request header.</summary>
    /// <param name="trial">Namespace, job and trial taken from the resource attributes.</param>
    /// <param name="podName">k8s.pod.name from the resource, or null when the trainer did not send it.</param>
    /// <param name="token">Value of the <c>x-clustertune-token</c> header, or null when absent.</param>
    /// <param name="cancellationToken">Request abort token.</param>
    ValueTask<TrialAuthorization> AuthorizeAsync(TrialKey trial, string? podName, string? token, CancellationToken cancellationToken);
}
