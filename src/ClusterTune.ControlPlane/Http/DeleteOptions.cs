namespace ClusterTune.ControlPlane.Http;

/// <summary>The parts of meta/v1 DeleteOptions the server honours.</summary>
internal sealed record DeleteOptions(long? GracePeriodSeconds, string? PropagationPolicy, string? PreconditionUid, string? PreconditionResourceVersion);
