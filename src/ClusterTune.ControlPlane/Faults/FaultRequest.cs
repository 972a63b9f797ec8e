namespace ClusterTune.ControlPlane.Faults;

/// <summary>What a fault predicate sees of an incoming request.</summary>
/// <param name="Verb">Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection, or "discovery".</param>
/// <param name="Resource">Plural resource name ("pods", "finetunejobs"), empty for discovery.</param>
/// <param name="Subresource">"status", "binding", "log" or null.</param>
public sealed record FaultRequest(
    string Method,
    string Path,
    string Verb,
    string Group,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name);
