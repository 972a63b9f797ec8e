namespace ClusterTune.Telemetry.Ingestion;

/// <summary>The answer of an <see cref="ITrialTokenValidator"/> for one trial identity and token.</summary>
public enum TrialAuthorization
{
    /// <summary>The trial exists, is running and the token matches: accept its points.</summary>
    Accepted,
    /// <summary>No such trial (or it is already finished and no longer accepts points).</summary>
    UnknownTrial,
    /// <summary>The token header is missing or does not match the trial's token.</summary>
    InvalidToken,
    /// <summary>The resource names a pod that does not belong to this trial.</summary>
    PodMismatch,
}
