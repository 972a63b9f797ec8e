namespace ClusterTune.ControlPlane.Http;

/// <summary>One entry of <c>details.causes</c> in a Status body.</summary>
internal sealed record StatusCause(string Reason, string Message, string? Field);
